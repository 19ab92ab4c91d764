// Files embedded in the library's read-only data by the assembler (.incbin), so that the built-in
// pack's compiled tables and its model JSON are bytes of the library, not files to find at run
// time. The build names the file (CMakeLists.txt); `align` is the first byte's alignment.
#pragma once

// Defines NAME_begin and NAME_end (hidden, extern "C") around the bytes of FILE.
#define TRIAGE_EMBED_FILE(NAME, FILE, ALIGN)                              \
  __asm__(".section .rodata." #NAME                                       \
          ",\"a\"\n"                                                      \
          ".balign " #ALIGN                                               \
          "\n"                                                            \
          ".globl " #NAME                                                 \
          "_begin\n"                                                      \
          ".hidden " #NAME "_begin\n" #NAME                               \
          "_begin:\n"                                                     \
          ".incbin \"" FILE                                               \
          "\"\n"                                                          \
          ".globl " #NAME                                                 \
          "_end\n"                                                        \
          ".hidden " #NAME "_end\n" #NAME                                 \
          "_end:\n"                                                       \
          ".previous\n");                                                 \
  extern "C" {                                                            \
  __attribute__((visibility("hidden"))) extern const char NAME##_begin[]; \
  __attribute__((visibility("hidden"))) extern const char NAME##_end[];   \
  }
