/* SPDX-License-Identifier: GPL-2.0 */
/* The tests of lib/page_ranges.c (pr_tests.c), listed in tests.c. */
#ifndef _DCT_PR_TESTS_H
#define _DCT_PR_TESTS_H

void test_pr_init_args(void);
void test_pr_want(void);
void test_pr_alignment(void);
void test_pr_relaxed(void);
void test_pr_big_ranges(void);
void test_pr_free_misuse(void);
void test_pr_broken_index(void);
void test_pr_deep(void);
void test_pr_fragmented(void);
void test_pr_whole(void);
void test_pr_copy_metadata(void);
void test_pr_geometries(void);
void test_pr_difftest(void);
void test_pr_huge(void);
const char *pr_skip_huge(void);

#endif
