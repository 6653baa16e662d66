/* The quick mode: `contain run --rootfs DIR [flags] -- CMD` and `contain spec --rootfs ...`.
 * Flags become a struct spec in memory (the defaults of `contain spec`), which runs through the
 * same engine as a bundle; what a spec cannot say (overlay, veth) is done around the engine. */
#ifndef CONTAIN_QUICK_H
#define CONTAIN_QUICK_H

#include <stdbool.h>

#include "contain/error.h"
#include "contain/spec.h"

struct cli_globals;

enum quick_net {
        QUICK_NET_NONE,         /* a new netns with lo only (the default) */
        QUICK_NET_HOST,         /* the host's netns */
        QUICK_NET_VETH,         /* a new netns plus a veth pair to the host */
};

struct quick_opts {
        char *rootfs;           /* absolute */
        char *rootfs_arg;       /* as given, for the progress line */
        char *id;               /* --name, or a short random one */
        enum quick_net net;
        bool overlay;           /* --overlay */
        bool keep;              /* --keep: leave the container and the overlay's upper dir */
        bool quiet;             /* --quiet: no progress lines */
        char *bundle;           /* spec --rootfs only: --bundle/-b, where config.json goes */
};
void quick_opts_release(struct quick_opts *o);

/* Parses the quick-mode flags of argv[1..argc) (argv[0] is the command's name) and the command
 * after "--" into a spec built from spec_new_default(false).  Usage errors fill err. */
int quick_build_spec(int argc, char **argv, struct spec **out, struct quick_opts *o, struct error **err);

/* True when argv (argv[0] = command name) has --rootfs before any "--". */
bool quick_wants(int argc, char **argv);

/* Prints the quick mode's usage when argv has -h/--help before "--"; returns whether it did. */
bool quick_help(int argc, char **argv);

/* `contain spec --rootfs DIR ... -- CMD`: writes the translated config.json into the bundle
 * directory (--bundle/-b, default the current one), refusing to overwrite one. */
int quick_spec(const struct cli_globals *g, int argc, char **argv);

#endif
