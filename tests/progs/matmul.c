/* int32 matrix multiply with ReLU-like zeros; prints a checksum and a few entries. */
#include "rt.h"

#define N 12
static int32_t A[N][N], B[N][N], C[N][N];

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t v = (i * 7 + j * 13) % 23 - 11;
            A[i][j] = v > 0 ? v : 0;
            B[i][j] = (i * 5 - j * 3) % 17;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++) s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    int32_t trace = 0;
    uint32_t h = 0;
    for (int i = 0; i < N; i++) {
        trace += C[i][i];
        for (int j = 0; j < N; j++) h = (h ^ (uint32_t)C[i][j]) * 16777619u;
    }
    put_str("trace="); put_dec(trace); put_str(" c[3][5]="); put_dec(C[3][5]);
    put_str(" hash="); put_hex(h); put_str("\n");
    return (uint32_t)trace & 0x7F;
}
