/* contain's exec trampoline: a tiny freestanding program the container process becomes just
 * before it runs the user's program, run from a sealed memfd.  While the user's program is
 * being exec'd, "/proc/self/exe" (a "#!/proc/self/exe" script, CVE-2019-5736) then names this
 * sealed copy, never the host's contain binary.  It is built without libc (no loader, no
 * relocations) and embedded in contain; see src/linux/exec_trampoline.c.
 *
 * argv: TRAMPOLINE_MARKER, the number N of exec labels (0-2), N pairs of an fd open on a
 * /proc/self/attr/.../exec file and the text to write there, the program's path, then the
 * program's own argv.  The labels are written here because they apply to the next exec only,
 * and closed before it.  Anything else (the kernel running it as a script's interpreter) exits
 * 127 at once. */
#include <asm/unistd.h>

#define TRAMPOLINE_MARKER "contain:exec-trampoline"

static long sys3(long nr, long a, long b, long c)
{
        long ret;
        __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
        return ret;
}

static unsigned long len(const char *s)
{
        unsigned long n = 0;
        while (s[n])
                n++;
        return n;
}

static int same(const char *a, const char *b)
{
        while (*a && *a == *b)
                a++, b++;
        return *a == *b;
}

static void say(const char *s)
{
        sys3(__NR_write, 2, (long)s, (long)len(s));
}

/* a small decimal, -1 when s is not one */
static long number(const char *s)
{
        long n = 0;
        if (!*s)
                return -1;
        for (; *s; s++) {
                if (*s < '0' || *s > '9' || n > 100000)
                        return -1;
                n = n * 10 + (*s - '0');
        }
        return n;
}

__attribute__((noreturn)) static void leave(int code)
{
        for (;;)
                sys3(__NR_exit_group, code, 0, 0);
}

__attribute__((noreturn, used)) void trampoline_main(long *sp)
{
        long argc = sp[0];
        char **argv = (char **)(sp + 1);
        char **envp = argv + argc + 1;

        long labels = argc >= 2 ? number(argv[1]) : -1;
        if (argc < 3 || !same(argv[0], TRAMPOLINE_MARKER) || labels < 0 || labels > 2 || argc < 3 + 2 * labels) {
                say("contain: this is contain's exec trampoline; it runs nothing on its own\n");
                leave(127);
        }
        for (long i = 0; i < labels; i++) {
                long fd = number(argv[2 + 2 * i]);
                const char *text = argv[3 + 2 * i];
                if (fd < 0 || sys3(__NR_write, fd, (long)text, (long)len(text)) != (long)len(text)) {
                        say("contain: exec: setting the exec label \"");
                        say(text);
                        say("\" failed\n");
                        leave(126);
                }
                sys3(__NR_close, fd, 0, 0);
        }
        char **prog = argv + 2 + 2 * labels;
        long r = sys3(__NR_execve, (long)prog[0], (long)(prog + 1), (long)envp);
        say("contain: exec: \"");
        say(prog[0]);
        say(r == -2 ? "\": no such file or directory\n" : "\": exec failed\n");
        leave(r == -2 ? 127 : 126);
}

__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call trampoline_main\n");
