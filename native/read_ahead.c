/*
 * lcnet: asks the kernel to start reading a file into the page cache before it is needed, so that
 * a decoding worker does not wait for the disk when its turn comes. A decoding worker reads each
 * file with one synchronous read, which is the cheapest way when the file is cached; a file that
 * is not (a collection larger than the memory, a network file system) would stop the worker for
 * the whole read. `readAhead(path)` queues, on libuv's thread pool, an open, a fstat and
 * posix_fadvise(POSIX_FADV_WILLNEED) of the file's first READ_AHEAD_MAX bytes, then closes it: the
 * kernel reads the data in the background while the worker decodes the images before it.
 *
 * Only regular files are touched: the open does not block (O_NONBLOCK, for a FIFO named in a path
 * list) and devices are left alone. Every failure is ignored: reading the file later reports it.
 */

/* open flags and posix_fadvise under -std=c11 */
#define _DEFAULT_SOURCE /* syscall() */
#define _POSIX_C_SOURCE 200809L
#define NAPI_VERSION 8
#include <node_api.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "read_ahead.h"

/* no image lcnet decodes needs more read ahead of its turn than this */
#define READ_AHEAD_MAX (64 << 20)

typedef struct {
  napi_async_work work;
  char path[];
} ReadAhead;

static void read_ahead_execute(napi_env env, void *data) {
  (void)env;
  ReadAhead *r = (ReadAhead *)data;
  int fd = open(r->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return;
  struct stat st;
  /*
   * fstat through syscall(): glibc 2.33 made fstat a symbol of its own (GLIBC_2.33), which older
   * systems cannot resolve; the kernel's struct stat is glibc's on x86-64 and aarch64
   */
  if (syscall(SYS_fstat, fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    off_t len = st.st_size < READ_AHEAD_MAX ? st.st_size : READ_AHEAD_MAX;
    (void)posix_fadvise(fd, 0, len, POSIX_FADV_WILLNEED);
  }
  close(fd);
}

static void read_ahead_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  ReadAhead *r = (ReadAhead *)data;
  napi_delete_async_work(env, r->work);
  free(r);
}

static napi_value read_ahead(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  size_t len;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "readAhead takes a file path");
    return NULL;
  }
  ReadAhead *r = (ReadAhead *)malloc(sizeof(ReadAhead) + len + 1);
  if (!r) return NULL;
  napi_get_value_string_utf8(env, argv[0], r->path, len + 1, &len);
  if (strlen(r->path) != len) {
    /* a NUL inside the path: no such file */
    free(r);
    return NULL;
  }
  napi_value name;
  napi_create_string_utf8(env, "lcnet:readAhead", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, read_ahead_execute, read_ahead_complete, r, &r->work) != napi_ok) {
    free(r);
    return NULL;
  }
  if (napi_queue_async_work(env, r->work) != napi_ok) {
    napi_delete_async_work(env, r->work);
    free(r);
  }
  return NULL;
}

void register_read_ahead(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "readAhead", NAPI_AUTO_LENGTH, read_ahead, NULL, &fn);
  napi_set_named_property(env, exports, "readAhead", fn);
}
