# Turns a file into a comma-separated byte list for `#include` inside an array initialiser.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUTPUT}.tmp" "${body}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
