/* Quicksort and insertion sort of pseudo-random arrays; prints and checks order. */
#include "rt.h"

static uint32_t seed = 12345;
static uint32_t lcg(void) { return seed = seed * 1103515245u + 12345u; }

static void insertion(int32_t *a, int n) {
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quick(int32_t *a, int lo, int hi) {
    while (lo < hi) {
        int32_t p = a[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quick(a, lo, j); lo = i; } else { quick(a, i, hi); hi = j; }
    }
}

int main(void) {
    static int32_t a[300], b[300];
    for (int i = 0; i < 300; i++) a[i] = b[i] = (int32_t)lcg() >> 7;
    quick(a, 0, 299);
    insertion(b, 300);
    int bad = 0;
    uint32_t sum = 0;
    for (int i = 0; i < 300; i++) {
        bad += a[i] != b[i] || (i && a[i - 1] > a[i]);
        sum = sum * 31 + (uint32_t)a[i];
    }
    put_str("sorted min="); put_dec(a[0]); put_str(" max="); put_dec(a[299]);
    put_str(" hash="); put_hex(sum); put_str("\n");
    return bad ? 1 : 7;
}
