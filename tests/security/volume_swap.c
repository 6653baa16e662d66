/* The attacker of volume_races.bats: a container that shares a volume with its victim and
 * swaps names in it as fast as it can until DIR/stop exists.
 *   volume_swap exchange DIR      renameat2 RENAME_EXCHANGE of DIR/x and DIR/y (y -> ".")
 *   volume_swap symlink DIR TARGET DIR/mydev replaced by a symlink to TARGET, again and again */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        if (argc < 3)
                return 2;
        int d = open(argv[2], O_RDONLY | O_DIRECTORY);
        if (d < 0)
                return 1;
        bool exchange = strcmp(argv[1], "exchange") == 0;
        for (unsigned long i = 0;; i++) {
                if (exchange) {
                        renameat2(d, "x", d, "y", RENAME_EXCHANGE);
                } else if (argc > 3) {
                        unlinkat(d, "tmp", 0);
                        if (symlinkat(argv[3], d, "tmp") == 0)
                                renameat(d, "tmp", d, "mydev");
                }
                if (i % 64 == 0 && faccessat(d, "stop", F_OK, 0) == 0)
                        return 0;
        }
}
