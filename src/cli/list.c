/* `contain list [--format table|json] [--quiet|-q]`: the containers under --root. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "contain/cli.h"
#include "contain/engine.h"
#include "contain/json.h"
#include "contain/util.h"

static void print_json(struct container_info **list, size_t n)
{
        cleanup_json_writer struct json_writer *w = json_writer_new(false);
        json_w_array_begin(w);
        for (size_t i = 0; i < n; i++) {
                json_w_object_begin(w);
                json_w_kv_string(w, "ociVersion", list[i]->oci_version);
                json_w_kv_string(w, "id", list[i]->id);
                json_w_kv_int(w, "pid", list[i]->pid);
                json_w_kv_string(w, "status", list[i]->status);
                json_w_kv_string(w, "bundle", list[i]->bundle ? list[i]->bundle : "");
                json_w_kv_string(w, "rootfs", list[i]->rootfs ? list[i]->rootfs : "");
                json_w_kv_string(w, "created", list[i]->created ? list[i]->created : "");
                json_w_kv_string(w, "owner", list[i]->owner ? list[i]->owner : "");
                json_w_key(w, "annotations");
                json_w_object_begin(w);
                for (size_t k = 0; k < list[i]->n_annotations; k++)
                        json_w_kv_string(w, list[i]->annotations[k].key, list[i]->annotations[k].value);
                json_w_object_end(w);
                json_w_object_end(w);
        }
        json_w_array_end(w);
        cleanup_free char *doc = json_writer_finish(w, NULL);
        printf("%s\n", doc);
}

int cmd_list(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {
                { "format", required_argument, NULL, 'f' },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        const char *format = "table";
        bool quiet = false;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+:f:qh", opts, NULL)) != -1) {
                switch (c) {
                case 'f': format = optarg; break;
                case 'q': quiet = true; break;
                case 'h':
                        printf("usage: contain list [--format table|json] [--quiet]\n\nList containers.\n");
                        return 0;
                case ':': return cli_usage_error("list", "option '%s' needs a value", argv[optind - 1]);
                default: return cli_usage_error("list", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind != argc)
                return cli_usage_error("list", "unexpected argument '%s'", argv[optind]);
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
                return cli_usage_error("list", "--format: expected table or json, got '%s'", format);

        cleanup_error struct error *err = NULL;
        struct container_info **list = NULL;
        size_t n = 0;
        if (container_list(g->root, &list, &n, &err) < 0)
                return cli_fail(err);
        if (quiet) {
                for (size_t i = 0; i < n; i++)
                        printf("%s\n", list[i]->id);
        } else if (strcmp(format, "json") == 0) {
                print_json(list, n);
        } else {
                printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
                for (size_t i = 0; i < n; i++)
                        printf("%-20s %-8d %-10s %-40s %-32s %s\n", list[i]->id, (int)list[i]->pid,
                               list[i]->status, list[i]->bundle ? list[i]->bundle : "",
                               list[i]->created ? list[i]->created : "", list[i]->owner ? list[i]->owner : "");
        }
        container_info_list_free(list, n);
        return 0;
}
