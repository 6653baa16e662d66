/* The tables of libsystemd and libbpf (dynlib.h). */
#include "dynlib.h"

DYNLIB_DEFINE(, libsystemd, LIBSYSTEMD_SONAME, "libsystemd0", LIBSYSTEMD_FUNCS)
DYNLIB_DEFINE(, libbpf, LIBBPF_SONAME, "libbpf1", LIBBPF_FUNCS)
