/* A string printer: formats a table of numbers to stdout and a line to stderr. */
#include "rt.h"

static const char *const names[] = {"zero", "one", "two", "three", "four", "five"};

int main(void) {
    for (int i = 0; i < 6; i++) {
        put_str(names[i]);
        put_str(": ");
        put_dec(i * i * i - 50);
        put_str(i % 2 ? " odd\n" : " even\n");
    }
    put_dec(-2147483647 - 1);
    put_str("\n");
    sys_write(2, "done\n", 5);
    return 42;
}
