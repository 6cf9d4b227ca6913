/*
 * libjpeg's default message printer (jerror.c output_message) writes to stdio's stderr, and
 * Debian's static libjpeg.a reaches that variable with a relocation that cannot be linked into a
 * shared object. The addon replaces every message hook (jpeg_decode.c: error_exit, emit_message
 * and output_message), so the printer never runs: this private definition only satisfies the
 * linker. It is hidden, so it never stands in for the C library's stderr anywhere else.
 */
struct _IO_FILE;
__attribute__((visibility("hidden"))) struct _IO_FILE *stderr = 0;
