/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The commands of ods-enforcer (OpenDNSSEC 2.x names) and of ods-ksmutil (the 1.4 forms mapped
 * onto the same code), each a run function over parsed options (cli/enforcer/opts.h). Every
 * run function calls ods-enforcerd, prints what OpenDNSSEC prints (cli/enforcer/fmt.h) and
 * returns the process's exit code: CLI_EXIT_OK, CLI_EXIT_FAIL when the daemon refused or the
 * operation found nothing to act on, CLI_EXIT_USAGE for a wrong command line. Errors go to
 * stderr. The groups: ctrl.c (the daemon itself), sched.c (tasks and time), policy.c, zone.c,
 * key.c, ds.c, backup.c (backups and repositories).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cli/enforcer/opts.h"

struct cli;

/* The command tables: every ods-enforcer command, and every ods-ksmutil one. */
extern const struct cli_spec cli_enf_specs[];
extern const size_t cli_enf_n_specs;
/* Option tables both tools use (commands.c). */
extern const struct cli_opt cli_enf_opt_zone_only[];
extern const struct cli_opt cli_enf_opt_policy_export[];
extern const struct cli_opt cli_enf_opt_repository[];
extern const struct cli_spec cli_ksm_specs[];
extern const size_t cli_ksm_n_specs;

/* Run a tool made of specs (n of them) on the shared CLI framework (cli/cli.h): global
 * options, `help [COMMAND]`, the longest match of command words. */
int cli_enf_prog_main(const char *prog, const struct cli_spec *specs, size_t n, int argc,
                      char **argv);

/* ods-ksmutil took -c/--config anywhere on the line (1.4 parsed all options at once); move the
 * first one, with its value, to the front where cli_main reads global options. */
void cli_enf_hoist_config(int argc, char **argv);

/* ctrl.c */
int cli_enf_start(struct cli *c, const struct cli_args *a);
int cli_enf_stop(struct cli *c, const struct cli_args *a);
int cli_enf_reload(struct cli *c, const struct cli_args *a);
int cli_enf_running(struct cli *c, const struct cli_args *a);
int cli_enf_verbosity(struct cli *c, const struct cli_args *a);
int cli_enf_update_conf(struct cli *c, const struct cli_args *a);
int cli_enf_update_repositorylist(struct cli *c, const struct cli_args *a);
int cli_enf_update_all(struct cli *c, const struct cli_args *a);

/* sched.c */
int cli_enf_queue(struct cli *c, const struct cli_args *a);
int cli_enf_flush(struct cli *c, const struct cli_args *a);
int cli_enf_enforce(struct cli *c, const struct cli_args *a);
int cli_enf_signconf(struct cli *c, const struct cli_args *a);
int cli_enf_time_leap(struct cli *c, const struct cli_args *a);

/* policy.c */
int cli_enf_policy_list(struct cli *c, const struct cli_args *a);
int cli_enf_policy_export(struct cli *c, const struct cli_args *a);
int cli_enf_policy_import(struct cli *c, const struct cli_args *a);
int cli_enf_policy_purge(struct cli *c, const struct cli_args *a);
int cli_enf_policy_resalt(struct cli *c, const struct cli_args *a);
/* Import path (NULL: conf.xml's PolicyFile); `policy import` and `update all|kasp`. */
int cli_enf_policy_import_file(struct cli *c, const char *path, bool remove_missing);

/* zone.c */
int cli_enf_zone_list(struct cli *c, const struct cli_args *a);
int cli_enf_zone_add(struct cli *c, const struct cli_args *a);
int cli_enf_zone_delete(struct cli *c, const struct cli_args *a);
int cli_enf_zone_set_policy(struct cli *c, const struct cli_args *a);
int cli_enf_zonelist_export(struct cli *c, const struct cli_args *a);
int cli_enf_zonelist_import(struct cli *c, const struct cli_args *a);
/* Import path (NULL: conf.xml's ZoneListFile); `zonelist import` and `update all|zonelist`. */
int cli_enf_zonelist_import_file(struct cli *c, const char *path, bool remove_missing);

/* key.c */
int cli_enf_key_list(struct cli *c, const struct cli_args *a);
int cli_enf_key_export(struct cli *c, const struct cli_args *a);
int cli_enf_key_import(struct cli *c, const struct cli_args *a);
int cli_enf_key_generate(struct cli *c, const struct cli_args *a);
int cli_enf_key_purge(struct cli *c, const struct cli_args *a);
int cli_enf_key_rollover(struct cli *c, const struct cli_args *a);
int cli_enf_rollover_list(struct cli *c, const struct cli_args *a);
/* `key list` in 1.4's layout (ods-ksmutil). */
int cli_enf_key_list_ksm14(struct cli *c, const struct cli_args *a);
/* `key export` as 1.4 did it: every zone unless --zone, and without --keystate/--keytype the
 * KSKs in ready and active. */
int cli_enf_key_export_ksm14(struct cli *c, const struct cli_args *a);

/* ds.c */
int cli_enf_ds_submit(struct cli *c, const struct cli_args *a);
int cli_enf_ds_seen(struct cli *c, const struct cli_args *a);
int cli_enf_ds_retract(struct cli *c, const struct cli_args *a);
int cli_enf_ds_gone(struct cli *c, const struct cli_args *a);
/* `key ds-seen` with 1.4's output ("Found key with CKA_ID ...", "Key ... made active"). */
int cli_enf_ds_seen_ksm14(struct cli *c, const struct cli_args *a);

/* backup.c */
int cli_enf_backup_list(struct cli *c, const struct cli_args *a);
int cli_enf_backup_prepare(struct cli *c, const struct cli_args *a);
int cli_enf_backup_commit(struct cli *c, const struct cli_args *a);
int cli_enf_backup_rollback(struct cli *c, const struct cli_args *a);
int cli_enf_repository_list(struct cli *c, const struct cli_args *a);
