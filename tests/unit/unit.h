/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * A minimal harness for the userspace unit tests: each test is a function
 * listed in a table; EXPECT() records a failure and carries on; the runner
 * prints "PASS name" or "FAIL name" per test for tests/unit/run to collect.
 */
#ifndef KCP_UNIT_H
#define KCP_UNIT_H

#include <stdio.h>

struct unit_test {
	const char *name;
	void (*fn)(int *failures);
};

#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: expected %s\n",		\
			__FILE__, __LINE__, #cond);			\
		(*failures)++;						\
	}								\
} while (0)

static inline int unit_run(const char *suite, const struct unit_test *tests,
			   size_t n)
{
	int failed = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int failures = 0;

		tests[i].fn(&failures);
		printf("%s %s.%s\n", failures ? "FAIL" : "PASS", suite,
		       tests[i].name);
		failed += failures != 0;
	}
	return failed ? 1 : 0;
}

#define UNIT_MAIN(suite, table)						\
int main(void)								\
{									\
	return unit_run(suite, table, sizeof(table) / sizeof(table[0]));\
}

#endif /* KCP_UNIT_H */
