/* Bitwise and table-driven CRC-32 (IEEE) of a text; both must agree. */
#include "rt.h"

static const char text[] = "The quick brown fox jumps over the lazy dog. 0123456789";

static uint32_t crc_bitwise(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
    }
    return ~c;
}

static uint32_t table[256];

static uint32_t crc_table(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

int main(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t a = crc_bitwise((const unsigned char *)text, sizeof text - 1);
    uint32_t b = crc_table((const unsigned char *)text, sizeof text - 1);
    uint32_t fox = crc_table((const unsigned char *)text, 43);   /* known: 414fa339 */
    put_str("crc32="); put_hex(a); put_str(" fox="); put_hex(fox); put_str("\n");
    return a == b && fox == 0x414FA339u ? 3 : 1;
}
