/*
 * A TEST DOUBLE of the disk, loaded with LD_PRELOAD into a service process under test: fsync(2)
 * and fdatasync(2) of the files whose path ends with $FAILING_FSYNC_OF fail with EIO, as a disk
 * that lost a write answers, for as long as the file $FAILING_FSYNC_WHILE exists. Every other call
 * goes to the C library. SQLite calls fsync itself when it commits a synchronous=FULL file, so
 * this is how a test makes SQLite's own fsync fail without root (no failing device to mount).
 * Never built into the service: test/e2e/failed-fsync-of-files.e2e.spec.ts compiles it with cc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failing(int fd) {
  const char *while_file = getenv("FAILING_FSYNC_WHILE");
  const char *suffix = getenv("FAILING_FSYNC_OF");
  if (while_file == NULL || suffix == NULL || access(while_file, F_OK) != 0) return 0;
  char link[64];
  char path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t length = readlink(link, path, sizeof path - 1);
  if (length < 0) return 0;
  path[length] = '\0';
  size_t suffix_length = strlen(suffix);
  return (size_t)length >= suffix_length && strcmp(path + length - suffix_length, suffix) == 0;
}

/* Fails with EIO if the file is one to fail, else calls the C library's `name`, looked up once. */
static int sync_or_fail(int fd, const char *name, int (**real)(int)) {
  if (failing(fd)) {
    errno = EIO;
    return -1;
  }
  if (*real == NULL) *real = (int (*)(int))dlsym(RTLD_NEXT, name);
  return (*real)(fd);
}

int fsync(int fd) {
  static int (*real)(int);
  return sync_or_fail(fd, "fsync", &real);
}

int fdatasync(int fd) {
  static int (*real)(int);
  return sync_or_fail(fd, "fdatasync", &real);
}
