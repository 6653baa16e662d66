/* Where the container's processes run and allocate: linux.memoryPolicy through set_mempolicy(2)
 * and process.execCPUAffinity through sched_setaffinity(2), both inherited across execve. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "contain/util.h"
#include "internal.h"

#define MASK_WORDS (SPEC_MAX_NUMA_NODES / (8 * sizeof(unsigned long)))
/* get_mempolicy(2)'s flag asking for the nodes the caller may use (linux/mempolicy.h) */
#define GET_MEMS_ALLOWED (1 << 2)
#define RELATIVE_NODES (1u << 14)

static bool bit_set(const unsigned long *mask, size_t i)
{
        const size_t word = 8 * sizeof(unsigned long);
        return mask[i / word] & (1UL << (i % word));
}

int process_set_memory_policy(const struct spec_memory_policy *mp, struct error **err)
{
        if (!mp->present)
                return 0;
        unsigned long nodes[MASK_WORDS] = { 0 };
        if (mp->nodes && id_list_parse(mp->nodes, nodes, SPEC_MAX_NUMA_NODES) < 0)
                return error_make(err, errno, "linux.memoryPolicy.nodes: \"%s\"", mp->nodes);
        /* Relative nodes are positions in the allowed set, so only absolute ones can be missing.
         * The kernel would say EINVAL for both a missing node and a bad combination: say which. */
        if (mp->nodes && !(mp->flags_value & RELATIVE_NODES)) {
                unsigned long allowed[MASK_WORDS] = { 0 };
                if (syscall(SYS_get_mempolicy, NULL, allowed, (unsigned long)SPEC_MAX_NUMA_NODES, NULL,
                            GET_MEMS_ALLOWED) < 0)
                        return error_make(err, errno, "linux.memoryPolicy: get_mempolicy (a kernel without NUMA?)");
                for (size_t i = 0; i < SPEC_MAX_NUMA_NODES; i++)
                        if (bit_set(nodes, i) && !bit_set(allowed, i))
                                return error_make(err, 0, "linux.memoryPolicy.nodes: node %zu does not exist on "
                                                  "this host (or the cpuset does not allow it)", i);
        }
        int mode = mp->mode_value | (int)mp->flags_value;
        if (syscall(SYS_set_mempolicy, mode, mp->nodes ? nodes : NULL,
                    mp->nodes ? (unsigned long)SPEC_MAX_NUMA_NODES + 1 : 0UL) < 0)
                return error_make(err, errno, "linux.memoryPolicy: set_mempolicy %s%s%s", mp->mode,
                                  mp->nodes ? " nodes " : "", mp->nodes ? mp->nodes : "");
        return 0;
}

int process_set_cpu_affinity(pid_t pid, const char *list, const char *field, struct error **err)
{
        if (!list)
                return 0;
        cpu_set_t set;
        CPU_ZERO(&set);
        if (id_list_parse(list, (unsigned long *)(void *)&set, CPU_LIST_MAX) < 0)
                return error_make(err, errno, "%s: \"%s\"", field, list);
        if (sched_setaffinity(pid, sizeof(set), &set) < 0)
                return error_make(err, errno, "%s: sched_setaffinity \"%s\"%s", field, list,
                                  errno == EINVAL ? " (no CPU of the list is online and allowed)" : "");
        return 0;
}
