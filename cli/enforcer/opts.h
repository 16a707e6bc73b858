/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Command-line words to values for the enforcer tools (ods-enforcer, ods-ksmutil): one table of
 * options per command, parsed the way OpenDNSSEC's commands take them (long and short forms,
 * "--zone=x" and "-zx" too, unambiguous prefixes of long names), with the errors an operator
 * needs ("Error: unknown option --foo for 'key list'"), and the value checks every command
 * shares: keytags, key roles, durations and "YYYY-MM-DD-HH:MM:SS" times. Nothing here talks to
 * the daemon.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "lib/base/err.h"

struct cli;

/* One option of one command. */
struct cli_opt {
	const char *name; /* long name without dashes ("zone"); NULL ends a table */
	char key;         /* short letter ('z'); also where the value goes in cli_args.v */
	bool arg;         /* takes a value */
	const char *meta; /* the value in usage texts ("<zone>"), NULL for flags */
	const char *help; /* one line */
};

#define CLI_OPT_END                                                                                \
	{                                                                                          \
		NULL, 0, false, NULL, NULL                                                         \
	}

/* The --zone option, with its help text. */
#define ZONE_OPT(what) {"zone", 'z', true, "<zone>", what}

#define CLI_POS_MAX 4

/* What a command line said. Values point into argv (borrowed). */
struct cli_args {
	const char *cmd;              /* the command's name, for messages ("key list") */
	const char *v[128];           /* by short letter: the value, "" for a flag, else NULL */
	const char *pos[CLI_POS_MAX]; /* the words that are not options, in order */
	int n_pos;
};

/* One command of a tool: its words, its options, its help, and what runs it. */
struct cli_spec {
	const char *name;           /* "key list" */
	const char *synopsis;       /* options as the man page writes them, or NULL */
	const char *summary;        /* what it does, for help */
	const struct cli_opt *opts; /* ends with CLI_OPT_END; NULL = no options */
	int max_pos;                /* plain words allowed (verbosity: 1), <= CLI_POS_MAX */
	int (*run)(struct cli *c, const struct cli_args *a);
};

/* Parse argv[1..argc-1] (argv[0] is the command's last word) against s->opts, plus -h/--help.
 * Returns 0 with *out filled, 1 when -h/--help was given (nothing printed), or -1 after
 * printing what was wrong to err. A value that is itself one of the command's options
 * ("-z -x 1") counts as missing. */
int cli_args_parse(const struct cli_spec *s, int argc, char **argv, struct cli_args *out,
                   FILE *err);

/* The value of option key, or NULL; cli_flag: whether it was given. */
const char *cli_arg(const struct cli_args *a, char key);
bool cli_flag(const struct cli_args *a, char key);

/* Print the help of one command ("usage: ods-enforcer key list [--verbose] ..."). */
void cli_spec_usage(const struct cli_spec *s, const char *prog, FILE *out);

/* Parse and run s; the exit code of the process. */
int cli_spec_exec(const struct cli_spec *s, struct cli *c, int argc, char **argv);

/* A keytag: decimal 0..65535. ODS_EINVAL otherwise; *out written only on success. */
ods_err cli_keytag_parse(const char *s, uint32_t *out);

/* "KSK", "ZSK", "CSK" (any case) to the proto's KeyRole value (1, 2, 3). */
ods_err cli_role_parse(const char *s, int *out);

/* An ISO 8601 duration ("P1Y", "PT3600S") in seconds, through lib/conf/duration. */
ods_err cli_duration_parse(const char *s, int64_t *out_s);

/* "YYYY-MM-DD-HH:MM:SS" in local time (as `time leap --time` and `key import
 * --inception_time` take it) to seconds since the epoch. */
ods_err cli_time_parse(const char *s, int64_t *out);

/* A whole number in [min, max]. */
ods_err cli_long_parse(const char *s, long min, long max, long *out);
