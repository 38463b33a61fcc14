#ifndef CKERNELS_IO_H
#define CKERNELS_IO_H

/// Asks the kernel to start writing `length` bytes of `fd` at `offset` to disk now, without waiting for them
/// (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`; a no-op elsewhere). Advisory: the caller's `fsync` still decides
/// durability and reports errors, but finds little left to write. Not in Swift's Glibc module (it needs
/// `_GNU_SOURCE`), hence this shim. Returns 0, or -1 with errno set.
int ck_start_writeback(int fd, long long offset, long long length);

#endif
