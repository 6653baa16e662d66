/* libFuzzer target for the config parser: any input must either fail with an error message
 * or parse into a spec whose serialisation parses again to the same document.  The same
 * bytes are also tried as an `exec --process` file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contain/spec.h"
#include "contain/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const struct spec *s)
{
        cleanup_free char *j1 = spec_to_json(s);
        cleanup_error struct error *err = NULL;
        cleanup_spec struct spec *again = NULL;

        if (spec_parse(j1, strlen(j1), "config.json", "/bundle", &again, &err) < 0) {
                fprintf(stderr, "serialised spec does not parse: %s\n%s\n", err->msg, j1);
                abort();
        }
        cleanup_free char *j2 = spec_to_json(again);
        if (strcmp(j1, j2) != 0) {
                fprintf(stderr, "serialisation is not stable:\n%s\n---\n%s\n", j1, j2);
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *text = (const char *)data;

        {
                cleanup_error struct error *err = NULL;
                cleanup_spec struct spec *s = NULL;
                if (spec_parse(text, size, "config.json", "/bundle", &s, &err) == 0)
                        roundtrip(s);
                else if (!err || !err->msg || strchr(err->msg, '\n'))
                        abort();        /* every failure says why, on one line */
        }
        {
                cleanup_error struct error *err = NULL;
                struct spec_process *p = NULL;
                if (spec_parse_process(text, size, "process.json", &p, &err) == 0)
                        spec_process_free(p);
                else if (!err || !err->msg)
                        abort();
        }
        return 0;
}
