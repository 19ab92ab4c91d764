/* The public C header compiles alone, first, under the strictest warnings. */
#include <triage.h>

int main(void) { return triage_abi_version() == TRIAGE_ABI_VERSION ? 0 : 1; }
