/* SPDX-License-Identifier: BSD-2-Clause */
/* Name conversion through ldns (ldns_dname_new_frm_str owns its result; we copy and free). */
#include "lib/dns/name.h"

#include <ctype.h>
#include <ldns/ldns.h>
#include <string.h>

ods_err
dns_name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *out_len)
{
	ldns_rdf *rdf = ldns_dname_new_frm_str(name);
	size_t n;

	if (rdf == NULL)
		return ODS_EINVAL;
	n = ldns_rdf_size(rdf);
	if (n > cap) {
		ldns_rdf_deep_free(rdf);
		return ODS_ENOMEM;
	}
	memcpy(out, ldns_rdf_data(rdf), n);
	*out_len = n;
	ldns_rdf_deep_free(rdf);
	return ODS_OK;
}

ods_err
dns_zone_name_normal(const char *name, char *out, size_t cap)
{
	uint8_t wire[DNS_NAME_WIRE_MAX];
	size_t wl = 0, n = strlen(name);

	if (n == 0 || dns_name_to_wire(name, wire, sizeof(wire), &wl) != ODS_OK)
		return ODS_EINVAL;
	if (n >= cap)
		return ODS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[n] = '\0';
	if (n > 1 && out[n - 1] == '.')
		out[n - 1] = '\0';
	return ODS_OK;
}
