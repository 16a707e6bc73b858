/* SPDX-License-Identifier: BSD-2-Clause */
/* Lazily filled connection pool: a stack of idle connections and a count of those lent. */
#include "lib/db/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db/db.h"

struct db_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *conninfo;
	unsigned max;
	unsigned open; /* connections in existence, idle or lent */
	struct db **idle;
	unsigned n_idle;
};

ods_err
db_pool_new(struct db_pool **out, const char *conninfo, unsigned max)
{
	struct db_pool *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return ODS_ENOMEM;
	p->max = max ? max : 1;
	p->conninfo = strdup(conninfo ? conninfo : "");
	p->idle = calloc(p->max, sizeof(*p->idle));
	if (p->conninfo == NULL || p->idle == NULL) {
		db_pool_free(p);
		return ODS_ENOMEM;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	*out = p;
	return ODS_OK;
}

void
db_pool_free(struct db_pool *p)
{
	if (p == NULL)
		return;
	for (unsigned i = 0; i < p->n_idle; i++)
		db_close(p->idle[i]);
	free(p->idle);
	free(p->conninfo);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

ods_err
db_pool_get(struct db_pool *p, struct db **out, struct diag *d)
{
	struct db *db = NULL;
	ods_err rc;

	pthread_mutex_lock(&p->mu);
	while (p->n_idle == 0 && p->open == p->max)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->n_idle > 0) {
		*out = p->idle[--p->n_idle];
		pthread_mutex_unlock(&p->mu);
		return ODS_OK;
	}
	p->open++; /* reserve the slot, connect outside the lock */
	pthread_mutex_unlock(&p->mu);

	rc = db_open(&db, p->conninfo, d);
	if (rc != ODS_OK) {
		pthread_mutex_lock(&p->mu);
		p->open--;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		return rc;
	}
	*out = db;
	return ODS_OK;
}

void
db_pool_put(struct db_pool *p, struct db *db)
{
	if (db == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->idle[p->n_idle++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}
