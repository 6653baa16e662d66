/* Human units used by the quick mode and cgroup files: "64M" sizes, cpu.max text. */
#ifndef CONTAIN_UNITS_H
#define CONTAIN_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "contain/error.h"

/* "64M" -> 67108864, "1G", "512K", "1048576" (plain bytes), optional "B"/"iB"-less suffixes
 * K M G T (powers of 1024, either case).  Rejects "-1M", "12Q", "", overflow. */
int parse_size(const char *text, uint64_t *out, struct error **err);
/* 67108864 -> "64M", 3250585 -> "3.1M" (one decimal), 512 -> "512B". buf >= 32 bytes. */
void format_size(uint64_t bytes, char *buf, size_t len);
/* cpu.max content: quota <= 0 or absent -> "max PERIOD"; period 0 -> 100000. buf >= 48 bytes. */
void format_cpu_max(int64_t quota, uint64_t period, char *buf, size_t len);

#endif
