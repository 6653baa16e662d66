/* A process whose main thread leaves alone (SYS_exit, not exit_group) while a second thread
 * runs on: /proc/PID/stat shows the leader as 'Z', yet the process lives (host_pids.bats). */
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *run_on(void *arg)
{
        (void)arg;
        for (;;)
                pause();
        return NULL;
}

int main(void)
{
        pthread_t t;
        if (pthread_create(&t, NULL, run_on, NULL) != 0)
                return 1;
        syscall(SYS_exit, 0);
        return 0;
}
