/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keystate_check: the cache-history validator of the engine's simulator (cachecheck.c), fed
 * from the outside by `ods-enforcer key list` output, for integration tests that walk
 * rollovers through the real CLI.
 *
 *   keystate_check [options] HISTORY NOW < lines
 *
 * The input holds `key list -d -p` lines (zone;role;ds;dnskey;rrsigdnskey;rrsig;pub;act;cka_id)
 * and, optionally but better, `key list -v -p` lines (zone;role;state;next;bits;alg;cka_id;
 * repo;keytag) for the same keys: their "waiting for ds-…" says where the DS is at the parent
 * (submitted until retracted), and they give the keytags for messages. Without them a DS
 * counts as at the parent while its record is rumoured or omnipresent. Other lines are
 * ignored, so `ods-enforcer queue` output may come along: NOW "-" takes the time from its
 * "It is now ... (N seconds since epoch)" line.
 *
 * The tool reads HISTORY (a text file it wrote before; missing = the zone was unsigned for
 * as long as anyone remembers), appends what the input says is published at NOW with the
 * cache windows of NOW, writes it back, and checks every combination of DS, DNSKEY and
 * signature versions that caches may still hold. Exit 0: valid; 1: some cached view does
 * not validate (the message names the time and the key sets); 2: usage or input errors,
 * including key list lines that contradict themselves (pub/act against the record states).
 *
 * Windows: DS TTL + parent registration and propagation delay; DNSKEY TTL (the SOA's negative
 * TTL while the DNSKEY set is empty) + zone propagation delay; the longest TTL of signed data
 * + zone propagation delay. From --kasp FILE --policy NAME, or given one by one (which
 * overrides the policy). A change is seen when the tool runs, which may be a little after it
 * happened: --slack (default 5 s) shortens every window by that much.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cachecheck.h"
#include "lib/conf/kasp.h"

#define LINE_MAX_LEN 4096
#define NAME_MAX_LEN 256

enum { EXIT_INVALID = 1, EXIT_USAGE = 2 };

struct key {
	char cka_id[NAME_MAX_LEN];
	char role[8];
	unsigned keytag; /* 0: unknown */
};

/* One key as the input shows it now. */
struct row {
	int key; /* index in the key table */
	char ds[16], dnskey[16], krrsig[16], zsig[16];
	int pub, act;
	bool have_debug;   /* a -d -p line was seen */
	bool have_verbose; /* a -v -p line was seen */
	char waiting[32];  /* "ds-seen" from "waiting for ds-seen", or "" */
};

struct opts {
	const char *zone, *kasp, *policy, *history, *now_arg;
	int64_t ds_ttl, dnskey_ttl, sig_ttl, neg_ttl, parent_delay, zone_delay; /* -1: unset */
	int64_t slack;
	bool allow_unsigned, verbose;
};

static struct key keys[CC_MAX_KEYS];
static size_t n_keys;
static char hist_zone[NAME_MAX_LEN];

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "keystate_check: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static void
usage(void)
{
	fprintf(stderr,
	        "usage: keystate_check [--zone Z] [--kasp FILE --policy NAME] [--ds-ttl S]\n"
	        "       [--dnskey-ttl S] [--sig-ttl S] [--neg-ttl S] [--parent-delay S]\n"
	        "       [--zone-delay S] [--slack S] [--allow-unsigned] [-v] HISTORY NOW|-\n"
	        "       < key list -d -p (and -v -p) lines [and ods-enforcer queue output]\n");
	exit(EXIT_USAGE);
}

static int64_t
num(const char *s, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die("%s: '%s' is not a number of seconds", what, s);
	return v;
}

static const char *
when(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "?");
	return buf;
}

static int
key_index(const char *cka_id, const char *role)
{
	for (size_t i = 0; i < n_keys; i++)
		if (strcmp(keys[i].cka_id, cka_id) == 0)
			return (int)i;
	if (n_keys == CC_MAX_KEYS)
		die("more than %d keys in one history", CC_MAX_KEYS);
	if (strlen(cka_id) >= NAME_MAX_LEN || strchr(cka_id, ' '))
		die("bad cka_id '%s'", cka_id);
	snprintf(keys[n_keys].cka_id, sizeof(keys[n_keys].cka_id), "%s", cka_id);
	snprintf(keys[n_keys].role, sizeof(keys[n_keys].role), "%s", role);
	return (int)n_keys++;
}

/* ---- the history file ---------------------------------------------------------------- */

static void
history_read(const char *path, struct cc_history *h)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN];
	long lineno = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return;
		die("%s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char a[NAME_MAX_LEN], b[8];
		unsigned tag;
		long long at, w1, w2, w3;
		unsigned long long m1, m2, m3, m4;
		struct cc_snap s;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "zone %255s", a) == 1) {
			snprintf(hist_zone, sizeof(hist_zone), "%s", a);
		} else if (sscanf(line, "key %255s %7s %u", a, b, &tag) == 3) {
			int i = key_index(a, b);
			keys[i].keytag = tag;
		} else if (sscanf(line, "snap %lld %lld %lld %lld %llx %llx %llx %llx", &at, &w1,
		                  &w2, &w3, &m1, &m2, &m3, &m4) == 8) {
			s = (struct cc_snap){.at = at,
			                     .ds_window_s = w1,
			                     .dk_window_s = w2,
			                     .rs_window_s = w3,
			                     .ds = m1,
			                     .dnskey = m2,
			                     .krrsig = m3,
			                     .zsig = m4};
			/* Appended exactly as stored: equal neighbours cannot occur. */
			if (cc_add(h, &s) < 0)
				die("%s:%ld: snapshot out of order", path, lineno);
		} else {
			die("%s:%ld: cannot read '%.*s'", path, lineno, (int)strcspn(line, "\n"),
			    line);
		}
	}
	fclose(f);
}

static void
history_write(const char *path, const struct cc_history *h)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		die("%s: %s", tmp, strerror(errno));
	fprintf(f, "# keystate_check history: keys (cka_id role keytag), then what was published\n"
	           "# from `at` on: at ds-window dnskey-window sig-window, masks of ds dnskey\n"
	           "# krrsig zsig (bit i = key i)\n");
	fprintf(f, "zone %s\n", hist_zone);
	for (size_t i = 0; i < n_keys; i++)
		fprintf(f, "key %s %s %u\n", keys[i].cka_id, keys[i].role, keys[i].keytag);
	for (size_t i = 0; i < h->n; i++) {
		const struct cc_snap *s = &h->snaps[i];

		fprintf(f,
		        "snap %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRIx64 " %" PRIx64
		        " %" PRIx64 " %" PRIx64 "\n",
		        s->at, s->ds_window_s, s->dk_window_s, s->rs_window_s, s->ds, s->dnskey,
		        s->krrsig, s->zsig);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die("%s: %s", path, strerror(errno));
}

/* ---- the input -------------------------------------------------------------------------- */

static int
split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < max;) {
		f[n++] = p;
		p = strchr(p, ';');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static bool
is_record_state(const char *s)
{
	return !strcmp(s, "hidden") || !strcmp(s, "rumoured") || !strcmp(s, "omnipresent") ||
	       !strcmp(s, "unretentive") || !strcmp(s, "NA");
}

static bool
shown(const char *s)
{
	return !strcmp(s, "rumoured") || !strcmp(s, "omnipresent");
}

static struct row *
row_for(struct row *rows, size_t *n_rows, const char *cka_id, const char *role)
{
	int k = key_index(cka_id, role);

	for (size_t i = 0; i < *n_rows; i++)
		if (rows[i].key == k)
			return &rows[i];
	rows[*n_rows] = (struct row){.key = k};
	return &rows[(*n_rows)++];
}

/* Read stdin: the rows of the zone, and the time of an "It is now" line (0 if none). */
static void
read_input(const struct opts *o, struct row *rows, size_t *n_rows, int64_t *now_seen)
{
	char line[LINE_MAX_LEN], zone[NAME_MAX_LEN] = "";
	long lineno = 0;

	*now_seen = 0;
	while (fgets(line, sizeof(line), stdin)) {
		char *f[10], *p;
		int n;

		lineno++;
		p = strstr(line, "It is now");
		if (p != NULL)
			p = strchr(p, '(');
		if (p != NULL) {
			long long t;

			if (sscanf(p, "(%lld seconds since epoch)", &t) == 1)
				*now_seen = t;
			continue;
		}
		if (strchr(line, ';') == NULL)
			continue;
		n = split(line, f, 10);
		if (n != 9)
			die("input line %ld: %d fields, key list -d -p and -v -p have 9", lineno,
			    n);
		if (o->zone && strcmp(f[0], o->zone) != 0)
			continue;
		if (!o->zone && zone[0] && strcmp(zone, f[0]) != 0)
			die("input holds zones %s and %s: name one with --zone", zone, f[0]);
		snprintf(zone, sizeof(zone), "%s", f[0]);
		if (strcmp(f[1], "KSK") && strcmp(f[1], "ZSK") && strcmp(f[1], "CSK"))
			die("input line %ld: role '%s'", lineno, f[1]);
		if (is_record_state(f[2])) {
			/* zone;role;ds;dnskey;rrsigdnskey;rrsig;pub;act;cka_id */
			struct row *r = row_for(rows, n_rows, f[8], f[1]);

			for (int i = 2; i < 6; i++)
				if (!is_record_state(f[i]))
					die("input line %ld: record state '%s'", lineno, f[i]);
			snprintf(r->ds, sizeof(r->ds), "%s", f[2]);
			snprintf(r->dnskey, sizeof(r->dnskey), "%s", f[3]);
			snprintf(r->krrsig, sizeof(r->krrsig), "%s", f[4]);
			snprintf(r->zsig, sizeof(r->zsig), "%s", f[5]);
			r->pub = (int)strtol(f[6], NULL, 10);
			r->act = (int)strtol(f[7], NULL, 10);
			r->have_debug = true;
		} else {
			/* zone;role;state;next;bits;alg;cka_id;repo;keytag */
			struct row *r = row_for(rows, n_rows, f[6], f[1]);
			const char *w = "waiting for ";

			r->have_verbose = true;
			if (strncmp(f[3], w, strlen(w)) == 0)
				snprintf(r->waiting, sizeof(r->waiting), "%s", f[3] + strlen(w));
			keys[r->key].keytag = (unsigned)strtoul(f[8], NULL, 10);
		}
	}
	if (zone[0]) {
		if (hist_zone[0] && strcmp(hist_zone, zone) != 0)
			die("%s is the history of zone %s, the input is about %s", o->history,
			    hist_zone, zone);
		snprintf(hist_zone, sizeof(hist_zone), "%s", zone);
	} else if (o->zone && !hist_zone[0]) {
		snprintf(hist_zone, sizeof(hist_zone), "%s", o->zone);
	}
}

/* The DS of row r is at the parent: submitted and not yet retracted. */
static bool
ds_at_parent(const struct row *r)
{
	if (!strcmp(keys[r->key].role, "ZSK"))
		return false;
	if (!r->have_verbose)
		return shown(r->ds);
	if (!strcmp(r->waiting, "ds-seen") || !strcmp(r->waiting, "ds-retract"))
		return true; /* submitted; or seen and asked to go, but still there */
	if (!strcmp(r->waiting, "ds-submit") || !strcmp(r->waiting, "ds-gone"))
		return false; /* not submitted yet; or retracted */
	return shown(r->ds);  /* seen, or nothing at the parent */
}

static void
snapshot(const struct opts *o, const struct row *rows, size_t n_rows, int64_t now,
         struct cc_snap *s)
{
	*s = (struct cc_snap){.at = now};
	for (size_t i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		uint64_t bit = (uint64_t)1 << r->key;
		const char *id = keys[r->key].cka_id;

		if (!r->have_debug)
			die("key %s: a -v -p line but no -d -p line", id);
		/* The signer follows pub and act; they must agree with the records. */
		if (r->pub != (shown(r->dnskey) ? 1 : 0))
			die("key %s: pub=%d but DNSKEY is %s", id, r->pub, r->dnskey);
		if (r->act != ((shown(r->krrsig) || shown(r->zsig)) ? 1 : 0))
			die("key %s: act=%d but RRSIGDNSKEY is %s and RRSIG %s", id, r->act,
			    r->krrsig, r->zsig);
		if (!strcmp(keys[r->key].role, "ZSK") &&
		    (strcmp(r->ds, "NA") || strcmp(r->krrsig, "NA")))
			die("key %s: a ZSK with DS %s and RRSIGDNSKEY %s", id, r->ds, r->krrsig);
		if (!strcmp(keys[r->key].role, "KSK") && strcmp(r->zsig, "NA"))
			die("key %s: a KSK with RRSIG %s", id, r->zsig);
		if (ds_at_parent(r))
			s->ds |= bit;
		if (shown(r->dnskey))
			s->dnskey |= bit;
		if (shown(r->krrsig))
			s->krrsig |= bit;
		if (shown(r->zsig))
			s->zsig |= bit;
	}
	s->ds_window_s = o->ds_ttl + o->parent_delay;
	s->dk_window_s = (s->dnskey ? o->dnskey_ttl : o->neg_ttl) + o->zone_delay;
	s->rs_window_s = o->sig_ttl + o->zone_delay;
}

/* ---- the report ------------------------------------------------------------------------- */

static void
print_set(const char *label, uint64_t m)
{
	bool any = false;

	fprintf(stderr, "%s{", label);
	for (size_t i = 0; i < n_keys; i++) {
		if (!(m & ((uint64_t)1 << i)))
			continue;
		fprintf(stderr, "%s%s", any ? ", " : "", keys[i].role);
		if (keys[i].keytag)
			fprintf(stderr, " %u", keys[i].keytag);
		fprintf(stderr, " (%.12s)", keys[i].cka_id);
		any = true;
	}
	fprintf(stderr, "}");
}

static int64_t
window(const struct cc_snap *s, enum cc_rrset which)
{
	return which == CC_DS       ? s->ds_window_s
	       : which == CC_DNSKEY ? s->dk_window_s
	                            : s->rs_window_s;
}

/* Snapshots a and b publish the same version of the RRset `which`. */
static bool
same_rrset(const struct cc_snap *a, const struct cc_snap *b, enum cc_rrset which)
{
	if (window(a, which) != window(b, which))
		return false;
	switch (which) {
	case CC_DS:
		return a->ds == b->ds;
	case CC_DNSKEY:
		return a->dnskey == b->dnskey && a->krrsig == b->krrsig;
	case CC_SIG:
		return a->zsig == b->zsig;
	}
	return false;
}

/* The version of `which` that snapshot v published: from when it was published until when it
 * was replaced (snapshots in between that changed other RRsets aside). */
static void
print_version(const struct cc_history *h, const char *what, size_t v, enum cc_rrset which)
{
	size_t first = v, last = v;
	int64_t w = window(&h->snaps[v], which);
	char b1[40], b2[40];

	while (first > 0 && same_rrset(&h->snaps[first - 1], &h->snaps[first], which))
		first--;
	while (last + 1 < h->n && same_rrset(&h->snaps[last], &h->snaps[last + 1], which))
		last++;
	fprintf(stderr, "    %-10s (snapshot %zu, window %" PRId64 " s) published %s", what, v, w,
	        first == 0 && h->snaps[0].at == 0 ? "before the first look"
	                                          : when(h->snaps[first].at, b1, sizeof(b1)));
	if (last + 1 < h->n)
		fprintf(stderr, ", replaced %s, cached until %s",
		        when(h->snaps[last + 1].at, b1, sizeof(b1)),
		        when(h->snaps[last + 1].at + w, b2, sizeof(b2)));
	else
		fprintf(stderr, ", current");
	fprintf(stderr, ":\n      ");
	switch (which) {
	case CC_DS:
		print_set("DS for ", h->snaps[v].ds);
		break;
	case CC_DNSKEY:
		print_set("DNSKEY ", h->snaps[v].dnskey);
		print_set(" signed by ", h->snaps[v].krrsig);
		break;
	case CC_SIG:
		print_set("zone data signed by ", h->snaps[v].zsig);
		break;
	}
	fputc('\n', stderr);
}

static void
report(const struct cc_history *h, int64_t now, const struct cc_failure *f)
{
	char b[40];

	fprintf(stderr,
	        "keystate_check: zone %s at %s (%" PRId64 " seconds since epoch): %s\n"
	        "  a resolver may hold these cached versions together:\n",
	        hist_zone, when(now, b, sizeof(b)), now, cc_verdict_text(f->verdict));
	if (f->verdict == CC_INSECURE && f->ds_v > 0)
		print_version(h, "DS set", f->ds_v - 1, CC_DS);
	print_version(h, "DS set", f->ds_v, CC_DS);
	print_version(h, "DNSKEY set", f->dk_v, CC_DNSKEY);
	print_version(h, "signatures", f->sig_v, CC_SIG);
}

/* ---- main ------------------------------------------------------------------------------- */

static void
from_policy(struct opts *o)
{
	struct kasp *k = NULL;
	struct diag d = {0};
	const struct kasp_policy *p;
	int64_t neg, sig;

	if (kasp_load(o->kasp, &k, &d) != ODS_OK)
		die("%s: %s: %s", o->kasp, d.where, d.msg);
	p = kasp_policy_find(k, o->policy);
	if (p == NULL)
		die("%s: no policy named %s", o->kasp, o->policy);
	neg = p->zone.soa_ttl_s < p->zone.soa_minimum_s ? p->zone.soa_ttl_s : p->zone.soa_minimum_s;
	/* Signed data: the longest TTL in the zone; the zone data up to MaxZoneTTL, negative
	 * answers (SOA), NSEC3PARAM. */
	sig = neg;
	if (p->sig.max_zone_ttl_s > sig)
		sig = p->sig.max_zone_ttl_s;
	if (p->denial == KASP_DENIAL_NSEC3 && p->nsec3.ttl_s > sig)
		sig = p->nsec3.ttl_s;
	if (o->ds_ttl < 0)
		o->ds_ttl = p->parent.ds_ttl_s;
	if (o->parent_delay < 0)
		o->parent_delay = p->parent.registration_delay_s + p->parent.propagation_delay_s;
	if (o->dnskey_ttl < 0)
		o->dnskey_ttl = p->keys.ttl_s;
	if (o->neg_ttl < 0)
		o->neg_ttl = neg;
	if (o->sig_ttl < 0)
		o->sig_ttl = sig;
	if (o->zone_delay < 0)
		o->zone_delay = p->zone.propagation_delay_s;
	kasp_free(k);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"zone", required_argument, NULL, 'z'},
	    {"kasp", required_argument, NULL, 'k'},
	    {"policy", required_argument, NULL, 'p'},
	    {"ds-ttl", required_argument, NULL, 1},
	    {"dnskey-ttl", required_argument, NULL, 2},
	    {"sig-ttl", required_argument, NULL, 3},
	    {"neg-ttl", required_argument, NULL, 4},
	    {"parent-delay", required_argument, NULL, 5},
	    {"zone-delay", required_argument, NULL, 6},
	    {"slack", required_argument, NULL, 7},
	    {"allow-unsigned", no_argument, NULL, 8},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct opts o = {.ds_ttl = -1,
	                 .dnskey_ttl = -1,
	                 .sig_ttl = -1,
	                 .neg_ttl = -1,
	                 .parent_delay = -1,
	                 .zone_delay = -1,
	                 .slack = 5};
	static struct row rows[CC_MAX_KEYS];
	size_t n_rows = 0;
	struct cc_history h;
	struct cc_snap s;
	struct cc_failure f;
	int64_t now, now_seen;
	int c;

	while ((c = getopt_long(argc, argv, "z:k:p:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'z':
			o.zone = optarg;
			break;
		case 'k':
			o.kasp = optarg;
			break;
		case 'p':
			o.policy = optarg;
			break;
		case 1:
			o.ds_ttl = num(optarg, "--ds-ttl");
			break;
		case 2:
			o.dnskey_ttl = num(optarg, "--dnskey-ttl");
			break;
		case 3:
			o.sig_ttl = num(optarg, "--sig-ttl");
			break;
		case 4:
			o.neg_ttl = num(optarg, "--neg-ttl");
			break;
		case 5:
			o.parent_delay = num(optarg, "--parent-delay");
			break;
		case 6:
			o.zone_delay = num(optarg, "--zone-delay");
			break;
		case 7:
			o.slack = num(optarg, "--slack");
			break;
		case 8:
			o.allow_unsigned = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	o.history = argv[optind];
	o.now_arg = argv[optind + 1];
	if (!o.kasp != !o.policy)
		die("--kasp and --policy go together");
	if (o.kasp)
		from_policy(&o);
	if (o.neg_ttl < 0)
		o.neg_ttl = o.dnskey_ttl;
	if (o.parent_delay < 0)
		o.parent_delay = 0;
	if (o.zone_delay < 0)
		o.zone_delay = 0;
	if (o.ds_ttl < 0 || o.dnskey_ttl < 0 || o.sig_ttl < 0)
		die("give the TTLs: --kasp/--policy, or --ds-ttl, --dnskey-ttl and --sig-ttl");

	cc_init(&h);
	history_read(o.history, &h);
	read_input(&o, rows, &n_rows, &now_seen);
	if (strcmp(o.now_arg, "-") == 0) {
		if (now_seen == 0)
			die("NOW is '-' but the input has no \"It is now ... (N seconds since "
			    "epoch)\" line");
		now = now_seen;
	} else {
		now = num(o.now_arg, "NOW");
	}
	if (h.n == 0) {
		/* Before the first look the zone was unsigned, for as long as anyone remembers. */
		struct cc_snap unsigned_zone = {.at = 0};

		snapshot(&o, NULL, 0, 0, &unsigned_zone);
		(void)cc_add(&h, &unsigned_zone);
	}
	snapshot(&o, rows, n_rows, now, &s);
	if (cc_add(&h, &s) < 0)
		die("time %" PRId64 " is before the newest snapshot in %s (%" PRId64 ")", now,
		    o.history, h.snaps[h.n - 1].at);
	history_write(o.history, &h);
	if (cc_check(&h, now, o.slack, o.allow_unsigned, &f) != CC_OK) {
		report(&h, now, &f);
		cc_free(&h);
		return EXIT_INVALID;
	}
	if (o.verbose) {
		char b[40];
		size_t live[3] = {0};

		for (size_t i = 0; i < h.n; i++)
			for (int w = 0; w < 3; w++)
				live[w] += cc_live(&h, i, (enum cc_rrset)w, now, o.slack);
		printf("keystate_check: zone %s at %s: valid (%zu versions; live: %zu DS, %zu "
		       "DNSKEY, %zu signature; windows now: DS %" PRId64 " s, DNSKEY %" PRId64
		       " s, signatures %" PRId64 " s)\n",
		       hist_zone, when(now, b, sizeof(b)), h.n, live[0], live[1], live[2],
		       s.ds_window_s, s.dk_window_s, s.rs_window_s);
	}
	cc_free(&h);
	return 0;
}
