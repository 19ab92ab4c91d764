// …and as C++.
#include <triage.h>

int main() { return triage_abi_version() == TRIAGE_ABI_VERSION ? 0 : 1; }
