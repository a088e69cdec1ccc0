// SPDX-License-Identifier: GPL-2.0
/* The list of report parts; see report_parts.h. */
#include "report_parts.h"

#include "rundir.h"

const struct report_part *const report_parts[] = {
	&report_part_latency,
	&report_part_access,
	&report_part_limits,
	&report_part_vspace,
	&report_part_scale,
	&report_part_perf,
	&report_part_quality,
	NULL,
};

int report_part_present(const struct report_part *part, const char *dir)
{
	for (const char *const *name = part->files; *name; name++)
		if (rundir_exists(dir, *name))
			return 1;
	return 0;
}

int report_parts_any_present(const char *dir)
{
	for (const struct report_part *const *part = report_parts; *part; part++)
		if (report_part_present(*part, dir))
			return 1;
	return 0;
}
