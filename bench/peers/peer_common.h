/* What the C peers of bench/peers share: reading the texts of a JSON Lines ticket file (the
 * string fields "subject", "text" and "error_message" of each line, joined by a newline, as
 * triage scans them), a monotonic clock, the median and a growable list of strings. Header-only,
 * C99, no dependency. */
#ifndef TRIAGE_BENCH_PEER_COMMON_H
#define TRIAGE_BENCH_PEER_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  char** items;
  size_t* lens;
  size_t count, cap;
} peer_list;

static void peer_die(const char* what, const char* detail) {
  fprintf(stderr, "%s: %s\n", what, detail);
  exit(1);
}

static void peer_list_push(peer_list* l, char* s, size_t len) {
  if (l->count == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 1024;
    l->items = (char**)realloc(l->items, l->cap * sizeof *l->items);
    l->lens = (size_t*)realloc(l->lens, l->cap * sizeof *l->lens);
    if (!l->items || !l->lens) peer_die("peer", "out of memory");
  }
  l->items[l->count] = s;
  l->lens[l->count] = len;
  l->count++;
}

static double peer_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int peer_cmp_double(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double peer_median(double* v, int n) {
  qsort(v, (size_t)n, sizeof *v, peer_cmp_double);
  return (v[(n - 1) / 2] + v[n / 2]) / 2;
}

/* Appends the UTF-8 form of a code point. */
static size_t peer_put_utf8(char* out, unsigned cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static const char* peer_skip_ws(const char* p) {
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
  return p;
}

static unsigned peer_hex4(const char* p, int* ok) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    const char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (unsigned)(c - 'A' + 10);
    else
      *ok = 0;
  }
  return v;
}

/* Decodes the JSON string at p (just after its opening quote) into out (when not NULL, which
 * must have room for as many bytes as the source). Returns the position after the closing quote,
 * or NULL when malformed; *len receives the decoded length. */
static const char* peer_string(const char* p, char* out, size_t* len) {
  size_t n = 0;
  int ok = 1;
  while (*p && *p != '"') {
    if (*p != '\\') {
      if (out) out[n] = *p;
      n++;
      p++;
      continue;
    }
    p++;
    char c = *p++, buf[4];
    size_t k = 1;
    switch (c) {
      case '"':
        buf[0] = '"';
        break;
      case '\\':
        buf[0] = '\\';
        break;
      case '/':
        buf[0] = '/';
        break;
      case 'b':
        buf[0] = '\b';
        break;
      case 'f':
        buf[0] = '\f';
        break;
      case 'n':
        buf[0] = '\n';
        break;
      case 'r':
        buf[0] = '\r';
        break;
      case 't':
        buf[0] = '\t';
        break;
      case 'u': {
        unsigned cp = peer_hex4(p, &ok);
        if (!ok) return NULL;
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p[0] == '\\' && p[1] == 'u') {
          const unsigned lo = peer_hex4(p + 2, &ok);
          if (ok && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
          }
        }
        k = peer_put_utf8(buf, cp); /* never longer than the escape it replaces */
        break;
      }
      default:
        return NULL;
    }
    if (out) memcpy(out + n, buf, k);
    n += k;
  }
  if (*p != '"') return NULL;
  *len = n;
  return p + 1;
}

/* Skips one JSON value; NULL when malformed. */
static const char* peer_skip_value(const char* p) {
  size_t len;
  p = peer_skip_ws(p);
  if (*p == '"') return peer_string(p + 1, NULL, &len);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    do {
      if (*p == '"') {
        p = peer_string(p + 1, NULL, &len);
        if (!p) return NULL;
        continue;
      }
      if (*p == '{' || *p == '[')
        depth++;
      else if (*p == '}' || *p == ']')
        depth--;
      else if (!*p)
        return NULL;
      p++;
    } while (depth > 0);
    return p;
  }
  while (*p && *p != ',' && *p != '}' && *p != ']') p++;
  return p;
}

/* The scanned text of one ticket line (malloc'ed, NUL-terminated), or NULL when the line is not
 * an object with a string "text". */
static char* peer_ticket_text(const char* line, size_t* out_len) {
  const size_t line_len = strlen(line);
  char* out = (char*)malloc(line_len + 3);
  char* text = (char*)malloc(line_len + 1);
  size_t n = 0, text_len = 0;
  int have_text = 0;
  const char* p = peer_skip_ws(line);
  if (!out || !text || *p != '{') goto fail;
  p = peer_skip_ws(p + 1);
  while (*p == '"') {
    char key[32];
    size_t klen;
    const char* q = peer_string(p + 1, NULL, &klen);
    if (!q) goto fail;
    if (klen < sizeof key)
      peer_string(p + 1, key, &klen);
    else
      klen = 0;
    key[klen] = 0;
    p = peer_skip_ws(q);
    if (*p != ':') goto fail;
    p = peer_skip_ws(p + 1);
    const int wanted =
        !strcmp(key, "subject") || !strcmp(key, "text") || !strcmp(key, "error_message");
    if (wanted && *p == '"') {
      size_t vlen;
      char* dst = !strcmp(key, "text") ? text : out + n + (n ? 1 : 0);
      p = peer_string(p + 1, dst, &vlen);
      if (!p) goto fail;
      if (dst == text) {
        text_len = vlen;
        have_text = 1;
      } else {
        if (n) out[n] = '\n';
        n += (n ? 1 : 0) + vlen;
      }
    } else {
      p = peer_skip_value(p);
      if (!p) goto fail;
    }
    p = peer_skip_ws(p);
    if (*p == ',') p = peer_skip_ws(p + 1);
  }
  if (!have_text) goto fail;
  /* subject and error_message (in `out` so far) around the text: text first, as triage does. */
  {
    char* joined = (char*)malloc(text_len + n + 2);
    if (!joined) goto fail;
    memcpy(joined, text, text_len);
    size_t m = text_len;
    if (n) {
      joined[m++] = '\n';
      memcpy(joined + m, out, n);
      m += n;
    }
    joined[m] = 0;
    free(out);
    free(text);
    *out_len = m;
    return joined;
  }
fail:
  free(out);
  free(text);
  return NULL;
}

/* Every ticket text of a JSON Lines file; exits with a message on an unreadable file or line. */
static peer_list peer_read_tickets(const char* path, const char* who) {
  peer_list l = {0};
  FILE* f = fopen(path, "rb");
  if (!f) peer_die(who, "cannot open the tickets file");
  char* line = NULL;
  size_t cap = 0;
  ssize_t got;
  size_t line_no = 0;
  while ((got = getline(&line, &cap, f)) >= 0) {
    line_no++;
    const char* p = peer_skip_ws(line);
    if (!*p) continue;
    size_t len;
    char* t = peer_ticket_text(line, &len);
    if (!t) {
      fprintf(stderr, "%s: %s:%zu: not a ticket with a string \"text\"\n", who, path, line_no);
      exit(1);
    }
    peer_list_push(&l, t, len);
  }
  free(line);
  fclose(f);
  if (!l.count) peer_die(who, "no tickets");
  return l;
}

/* Prints s as a JSON string (the strings printed here are ids and keywords). */
static void peer_print_json_string(const char* s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') putchar('\\');
    if ((unsigned char)*s < 0x20)
      printf("\\u%04x", (unsigned char)*s);
    else
      putchar(*s);
  }
  putchar('"');
}

#endif
