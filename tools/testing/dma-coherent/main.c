// SPDX-License-Identifier: GPL-2.0
/*
 * Run the tests of tools/testing/dma-coherent and report them in KTAP,
 * ending with "N passed, N failed".  Exit status 1 if any test failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coherent_wrap.h"
#include "shim.h"
#include "test.h"

struct dct_opts dct_opts = { .seed = 1, .ops = 200000, .threads = 4, .pr_ops = 30000 };

static unsigned long checks, failures;

bool dct_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	char msg[4096], *p, *nl;
	va_list ap;

	__atomic_add_fetch(&checks, 1, __ATOMIC_RELAXED);
	if (ok)
		return true;
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Every line a KTAP diagnostic. */
	printf("# %s:%d: ", file, line);
	for (p = msg; (nl = strchr(p, '\n')); p = nl + 1)
		printf("%.*s\n# ", (int)(nl - p), p);
	printf("%s\n", p);
	fflush(stdout);
	return false;
}

unsigned long dct_failures(void)
{
	return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}

void dct_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* debugfs entries but the "dma-coherent" directory, which stays once made. */
static unsigned long debugfs_entries(void)
{
	return shim_debugfs_entries() - !!dcw_debugfs_root();
}

static void usage_exit(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-v] [-l] [-s SEED] [-n OPS] [-p OPS] [-t THREADS] [TEST...]\n"
		"  -v  print coherent.c's messages   -l  list the tests\n"
		"  -s  seed of the differential test -n  its operations\n"
		"  -t  threads of the concurrency test\n"
		"  -p  operations of pr_difftest (lib/page_ranges.c)\n", prog);
	exit(2);
}

static bool wanted(const char *name, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(name, argv[i]))
			return true;
	return !argc;
}

int main(int argc, char **argv)
{
	unsigned int n = 0, i, k = 0, passed = 0, failed = 0, skipped = 0;
	const struct dct_test *t;
	const char *skip;
	int c;

	while ((c = getopt(argc, argv, "vls:n:p:t:")) != -1) {
		switch (c) {
		case 'v':
			shim_verbose = true;
			break;
		case 'l':
			for (t = dct_tests; t->name; t++)
				printf("%s\n", t->name);
			return 0;
		case 's':
			dct_opts.seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			dct_opts.ops = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			dct_opts.pr_ops = strtoul(optarg, NULL, 0);
			break;
		case 't':
			dct_opts.threads = strtoul(optarg, NULL, 0);
			break;
		default:
			usage_exit(argv[0]);
		}
	}
	argc -= optind;
	argv += optind;
	for (i = 0; i < (unsigned int)argc; i++) {
		for (t = dct_tests; t->name && strcmp(t->name, argv[i]); t++)
			;
		if (!t->name) {
			fprintf(stderr, "%s: no test named '%s' (-l lists them)\n",
				"dma_coherent_test", argv[i]);
			return 2;
		}
	}
	for (t = dct_tests; t->name; t++)
		n += wanted(t->name, argc, argv);

	printf("KTAP version 1\n1..%u\n", n);
	fflush(stdout);
	for (t = dct_tests; t->name; t++) {
		unsigned long checks0 = checks, failures0 = failures;
		unsigned long entries0 = debugfs_entries();
		long allocs0 = shim.allocs, maps0 = shim.maps;

		if (!wanted(t->name, argc, argv))
			continue;
		k++;
		skip = t->skip ? t->skip() : NULL;
		if (skip) {
			printf("ok %u %s # SKIP %s\n", k, t->name, skip);
			skipped++;
			continue;
		}
		shim_reset();
		t->run();
		if (shim.allocs != allocs0 || shim.maps != maps0)
			dct_check(false, __FILE__, __LINE__,
				  "%s leaks %ld allocations and %ld mappings",
				  t->name, shim.allocs - allocs0, shim.maps - maps0);
		if (shim_work_pending())
			dct_check(false, __FILE__, __LINE__, "%s leaves %lu work items queued",
				  t->name, shim_flush_work());
		if (debugfs_entries() != entries0)
			dct_check(false, __FILE__, __LINE__, "%s leaves %ld debugfs entries",
				  t->name, (long)(debugfs_entries() - entries0));
		shim_debugfs_up = false;
		shim_hook = NULL;
		if (checks == checks0)
			dct_check(false, __FILE__, __LINE__, "%s checked nothing", t->name);
		if (failures == failures0) {
			printf("ok %u %s\n", k, t->name);
			passed++;
		} else {
			printf("not ok %u %s\n", k, t->name);
			failed++;
		}
		fflush(stdout);
	}
	if (skipped)
		printf("# %u skipped\n", skipped);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
