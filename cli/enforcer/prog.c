/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tool made of a table of cli_specs on the shared framework of cli/cli.h: the framework
 * finds the command by its words; the table's entry parses the options and runs it.
 */
#include "cli/enforcer/cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The running tool's tables; set once by cli_enf_prog_main before cli_main. The framework's
 * command i is the table's spec i. */
static const struct cli_spec *prog_specs;
static const struct cli_cmd *prog_cmds;

static int
dispatch(struct cli *c, int argc, char **argv)
{
	return cli_spec_exec(&prog_specs[c->cmd - prog_cmds], c, argc, argv);
}

static int
help(const struct cli_def *def, const struct cli_cmd *cmd)
{
	cli_spec_usage(&prog_specs[cmd - prog_cmds], def->prog, stdout);
	return CLI_EXIT_OK;
}

int
cli_enf_prog_main(const char *prog, const struct cli_spec *specs, size_t n, int argc, char **argv)
{
	struct cli_cmd *cmds = calloc(n + 1, sizeof(*cmds));
	int code;

	if (cmds == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		cmds[i] = (struct cli_cmd){specs[i].name, specs[i].summary, dispatch};
	const struct cli_def def = {
	    .prog = prog,
	    .daemon = "ods-enforcerd",
	    .service_prefix = "ods.enforcer.Enforcer/",
	    .kind = CONF_SVC_ENFORCER,
	    .cmds = cmds,
	    .cmd_help = help,
	};
	prog_specs = specs;
	prog_cmds = cmds;
	code = cli_main(&def, argc, argv);
	free(cmds);
	return code;
}

/* Whether argv[i] is -c/--config, and how many words it spans (1 or 2). */
static int
config_words(int argc, char **argv, int i)
{
	const char *w = argv[i];

	if (strcmp(w, "-c") == 0 || strcmp(w, "--config") == 0)
		return i + 1 < argc ? 2 : 0;
	if (strncmp(w, "--config=", 9) == 0 || (strncmp(w, "-c", 2) == 0 && w[2] != '\0'))
		return 1;
	return 0;
}

void
cli_enf_hoist_config(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		int n = config_words(argc, argv, i);
		char *moved[2];

		if (n == 0)
			continue;
		/* Move it (with its value) to just after the program name. */
		moved[0] = argv[i];
		moved[1] = n == 2 ? argv[i + 1] : NULL;
		memmove(argv + 1 + n, argv + 1, (size_t)(i - 1) * sizeof(char *));
		argv[1] = moved[0];
		if (n == 2)
			argv[2] = moved[1];
		return;
	}
}
