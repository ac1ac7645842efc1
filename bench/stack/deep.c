/* deep: the same computation as deep.snow in C, on a thread with a
 * 512 MiB stack (like an OS main thread with a raised limit): non-tail
 * recursion 1,000,000 frames deep, repeated k times; prints a checksum. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t depth(int64_t n) {
    if (n == 0) return 0;
    return (depth(n - 1) + n) % 1000003;
}

static int64_t reps;

static void *run(void *arg) {
    (void)arg;
    int64_t acc = 0;
    for (int64_t k = 0; k < reps; k++) acc = (acc + depth(1000000)) % 1000003;
    printf("%lld\n", (long long)acc);
    return NULL;
}

int main(int argc, char **argv) {
    reps = argc > 1 ? atoll(argv[1]) : 10;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, (size_t)512 << 20);
    pthread_t t;
    if (pthread_create(&t, &a, run, NULL) != 0) return 1;
    pthread_join(t, NULL);
    return 0;
}
