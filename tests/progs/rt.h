/* The whole runtime of the test programs: write/exit ecalls (Linux numbering, as
   zskip and qemu-riscv32 use) and a decimal/hex printer. No libc. */
#ifndef RT_H
#define RT_H
#include <stdint.h>
#include <stddef.h>

static inline long sys_write(int fd, const void *buf, size_t len) {
    register long a0 __asm__("a0") = fd;
    register long a1 __asm__("a1") = (long)buf;
    register long a2 __asm__("a2") = (long)len;
    register long a7 __asm__("a7") = 64;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static inline size_t str_len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static inline void put_str(const char *s) { sys_write(1, s, str_len(s)); }

static inline void put_dec(int32_t v) {
    char buf[12];
    int i = sizeof buf;
    uint32_t u = v < 0 ? -(uint32_t)v : (uint32_t)v;
    do { buf[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) buf[--i] = '-';
    sys_write(1, buf + i, sizeof buf - i);
}

static inline void put_hex(uint32_t v) {
    char buf[8];
    for (int i = 7; i >= 0; i--, v >>= 4) buf[i] = "0123456789abcdef"[v & 15];
    sys_write(1, buf, 8);
}

/* GCC may emit calls to these for array initialisation and copies. */
void *memset(void *d, int c, size_t n) {
    unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}
#endif
