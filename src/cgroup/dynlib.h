/* libsystemd (sd-bus) and libbpf are loaded with dlopen when a command needs them, not linked
 * (contain/dynlib.h): together with what they pull in (libgcrypt, liblzma, libzstd, liblz4,
 * libelf, libz) they were nine more libraries for the dynamic linker to map and relocate on
 * every `contain` call, 0.7 ms and 1.7 MiB of each process, while only --systemd-cgroup and
 * the cgroup-v2 device rules use them.  Internal to the cgroup module. */
#ifndef CONTAIN_CGROUP_DYNLIB_H
#define CONTAIN_CGROUP_DYNLIB_H

#include <bpf/bpf.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "contain/dynlib.h"

#define LIBSYSTEMD_SONAME "libsystemd.so.0"
#define LIBSYSTEMD_FUNCS(X)                                                                     \
        X(sd_booted) X(sd_bus_open_system) X(sd_bus_flush_close_unref) X(sd_bus_call_method)    \
        X(sd_bus_call) X(sd_bus_process) X(sd_bus_wait) X(sd_bus_match_signal)                  \
        X(sd_bus_slot_unref) X(sd_bus_get_property_string) X(sd_bus_error_free)                 \
        X(sd_bus_error_is_set) X(sd_bus_error_has_name) X(sd_bus_message_new_method_call)       \
        X(sd_bus_message_unref) X(sd_bus_message_append) X(sd_bus_message_append_array)         \
        X(sd_bus_message_open_container) X(sd_bus_message_close_container) X(sd_bus_message_read)

#define LIBBPF_SONAME "libbpf.so.1"
#define LIBBPF_FUNCS(X)                                                                         \
        X(bpf_prog_load) X(bpf_obj_get_info_by_fd) X(bpf_prog_query) X(bpf_prog_get_fd_by_id)  \
        X(bpf_prog_detach2) X(bpf_prog_attach)

struct libsystemd {
        void *handle;
        LIBSYSTEMD_FUNCS(DYNLIB_MEMBER)
};

struct libbpf {
        void *handle;
        LIBBPF_FUNCS(DYNLIB_MEMBER)
};

/* contain/dynlib.h: load the library into the table, or drop it. */
int libsystemd_open(struct libsystemd *lib, struct error **err);
int libbpf_open(struct libbpf *lib, struct error **err);
void libsystemd_close(struct libsystemd *lib);
void libbpf_close(struct libbpf *lib);
#define cleanup_libsystemd __attribute__((cleanup(libsystemd_close)))
#define cleanup_libbpf __attribute__((cleanup(libbpf_close)))

#endif
