/* Division and remainder (signed, unsigned, negative, by powers of two), gcd,
   a prime sieve and 64-bit products through libgcc. */
#include "rt.h"

static volatile int32_t vals[] = {0, 1, -1, 7, -7, 100, -100, 2147483647, -2147483647 - 1, 37};

static uint32_t gcd(uint32_t a, uint32_t b) {
    while (b) { uint32_t t = a % b; a = b; b = t; }
    return a;
}

int main(void) {
    uint32_t h = 2166136261u;
    int n = sizeof vals / sizeof vals[0];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            int32_t a = vals[i], b = vals[j];
            if (b == 0 || (a == -2147483647 - 1 && b == -1)) continue;   /* C UB */
            h = (h ^ (uint32_t)(a / b)) * 16777619u;
            h = (h ^ (uint32_t)(a % b)) * 16777619u;
            h = (h ^ ((uint32_t)a / (uint32_t)b)) * 16777619u;
            h = (h ^ ((uint32_t)a % (uint32_t)b)) * 16777619u;
            h = (h ^ (uint32_t)(a >> 3) ^ (uint32_t)(a / 8)) * 16777619u;
        }
    static char sieve[500];
    int primes = 0;
    for (int i = 2; i < 500; i++) {
        if (sieve[i]) continue;
        primes++;
        for (int j = i * i; j < 500; j += i) sieve[j] = 1;
    }
    int64_t big = (int64_t)vals[7] * vals[8];
    uint64_t ubig = (uint64_t)(uint32_t)vals[2] * (uint32_t)vals[2];
    put_str("hash="); put_hex(h); put_str(" primes="); put_dec(primes);
    put_str(" gcd="); put_dec((int32_t)gcd(462, 1071));
    put_str(" big="); put_hex((uint32_t)(big >> 32)); put_hex((uint32_t)big);
    put_str(" ubig="); put_hex((uint32_t)(ubig >> 32)); put_str("\n");
    return primes == 95 && gcd(462, 1071) == 21 ? 0 : 1;
}
