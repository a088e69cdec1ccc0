// SPDX-License-Identifier: GPL-2.0
/*
 * device_ioctl(): a request the module interrupted is sent again unless the
 * user asked to stop (SIGINT/SIGTERM set ab_stop). Stopping and continuing
 * the runner (Ctrl-Z, SIGSTOP/SIGCONT, a debugger) makes the module return
 * EINTR too, and must not end the run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "device.h"
#include "util.h"

/* The module as the tests play it. */
static struct {
	unsigned calls;
	unsigned eintr_first;	/* calls that fail with EINTR before one succeeds */
	int fail_errno;		/* when not EINTR: every call fails with it */
	int stop_on_call;	/* the SIGINT handler runs during this call (1-based), 0 never */
	uint64_t seen_bytes[8];	/* req.bytes as each call saw it */
} fake;

/* Fails like the module: scribbles on the request first, as a partial copy might. */
static int fake_ioctl(int fd, unsigned long cmd, void *arg)
{
	struct allocbench_run *r = arg;

	(void)fd;
	assert_int_equal(cmd, ALLOCBENCH_IOC_RUN);
	if (fake.calls < 8)
		fake.seen_bytes[fake.calls] = r->bytes;
	fake.calls++;
	if (fake.stop_on_call && fake.calls == (unsigned)fake.stop_on_call)
		ab_stop = 1;
	if (fake.fail_errno) {
		errno = fake.fail_errno;
		return -1;
	}
	if (fake.calls <= fake.eintr_first) {
		r->bytes = 0xdead;
		r->samples_written = 7;
		errno = EINTR;
		return -1;
	}
	r->samples_written = 3;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	ab_stop = 0;
	return 0;
}

static void make_request(struct device *d, struct allocbench_run *r)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->ioctl_fn = fake_ioctl;
	memset(r, 0, sizeof(*r));
	r->bytes = 4096;
	r->count = 10;
}

/* SIGSTOP then SIGCONT: EINTR without ab_stop. The same request goes again and succeeds. */
static void test_stop_continue_is_retried(void **state)
{
	struct device d;
	struct allocbench_run r;

	(void)state;
	make_request(&d, &r);
	fake.eintr_first = 2;
	assert_int_equal(device_run(&d, &r), 0);
	assert_int_equal(fake.calls, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fake.seen_bytes[i], 4096);	/* restored before each retry */
	assert_int_equal(r.samples_written, 3);
	assert_int_equal(ab_stop, 0);
}

/* SIGINT during the request: EINTR with ab_stop set stops at once. */
static void test_sigint_stops(void **state)
{
	struct device d;
	struct allocbench_run r;

	(void)state;
	make_request(&d, &r);
	fake.eintr_first = 5;
	fake.stop_on_call = 1;
	assert_int_equal(device_run(&d, &r), -EINTR);
	assert_int_equal(fake.calls, 1);
}

/* SIGINT arriving while a stop/continue retry is under way stops at the next EINTR. */
static void test_sigint_during_retries_stops(void **state)
{
	struct device d;
	struct allocbench_run r;

	(void)state;
	make_request(&d, &r);
	fake.eintr_first = 5;
	fake.stop_on_call = 3;
	assert_int_equal(device_run(&d, &r), -EINTR);
	assert_int_equal(fake.calls, 3);
}

/* Something interrupting every try: bounded, then EINTR with a message. */
static void test_retries_are_bounded(void **state)
{
	struct device d;
	struct allocbench_run r;

	(void)state;
	make_request(&d, &r);
	fake.eintr_first = DEVICE_MAX_RESTARTS + 10;
	assert_int_equal(device_run(&d, &r), -EINTR);
	assert_int_equal(fake.calls, DEVICE_MAX_RESTARTS + 1);
}

/* Other errors are the caller's business: no retry. */
static void test_other_errors_not_retried(void **state)
{
	static const int errs[] = { ENOMEM, EINVAL, E2BIG, EFAULT, EOPNOTSUPP, EBUSY };
	struct device d;
	struct allocbench_run r;

	(void)state;
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		make_request(&d, &r);
		fake.calls = 0;
		fake.fail_errno = errs[i];
		assert_int_equal(device_run(&d, &r), -errs[i]);
		assert_int_equal(fake.calls, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_stop_continue_is_retried, setup),
		cmocka_unit_test_setup(test_sigint_stops, setup),
		cmocka_unit_test_setup(test_sigint_during_retries_stops, setup),
		cmocka_unit_test_setup(test_retries_are_bounded, setup),
		cmocka_unit_test_setup(test_other_errors_not_retried, setup),
	};

	return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
