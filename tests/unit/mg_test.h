/* mg_test.h - what every cmocka test includes, in the order cmocka needs. */
#ifndef MG_TEST_H
#define MG_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define MG_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
