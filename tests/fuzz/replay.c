/* replay.c -- run a fuzz target on saved inputs, without libFuzzer.
 *
 *   fuzz_NAME FILE_OR_DIR...
 *
 * Linked with one fuzz_NAME.c by any compiler (`make unit`), it calls the
 * target once per file, each directory's files in turn. A broken check
 * aborts; otherwise it prints how many inputs passed. No input at all is
 * an error, so an empty or misnamed corpus cannot pass by running
 * nothing. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static long ran;

/* Read the file at path and run the target on it. Returns 0, or -1 if the
 * file could not be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL, *grown;
    size_t len = 0, cap = 0, n;

    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            grown = realloc(data, cap);
            FUZZ_CHECK(grown != NULL);
            data = grown;
        }
        n = fread(data + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        fprintf(stderr, "%s: read error\n", path);
        fclose(f);
        free(data);
        return -1;
    }
    fclose(f);
    /* An exact-size copy, as libFuzzer gives, so overreads are caught. */
    grown = fuzz_copy(data, len);
    free(data);
    LLVMFuzzerTestOneInput(grown, len);
    free(grown);
    ran++;
    return 0;
}

/* Replay a file, or every file in a directory (not recursively). */
static int replay(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (stat(path, &st) < 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) return replay_file(path);
    d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        char full[4096];

        if (e->d_name[0] == '.') continue;
        if ((size_t)snprintf(full, sizeof full, "%s/%s", path, e->d_name)
            >= sizeof full) {
            fprintf(stderr, "%s/%s: path too long\n", path, e->d_name);
            rc = -1;
            continue;
        }
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
            replay_file(full) < 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++)
        if (replay(argv[i]) < 0) rc = 1;
    if (ran == 0) {
        fprintf(stderr, "%s: no input to replay\n", argv[0]);
        return 1;
    }
    printf("%s: %ld inputs replayed, every check passed\n", argv[0], ran);
    return rc;
}
