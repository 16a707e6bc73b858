/* SPDX-License-Identifier: BSD-2-Clause */
/* ods_err <-> ods.Status. The table is the single place this mapping is written down. */
#include "lib/rpc/status.h"

#include "ods/common.pb-c.h"

static const struct {
	ods_err err;
	int status;
} map[] = {
	{ODS_OK, ODS__STATUS__OK},
	{ODS_EINVAL, ODS__STATUS__INVALID_ARGUMENT},
	{ODS_ENOENT, ODS__STATUS__NOT_FOUND},
	{ODS_EEXIST, ODS__STATUS__ALREADY_EXISTS},
	{ODS_ESTATE, ODS__STATUS__FAILED_PRECONDITION},
	{ODS_ENOTLEADER, ODS__STATUS__FAILED_PRECONDITION},
	{ODS_EFENCED, ODS__STATUS__ABORTED},
	{ODS_EUNAVAIL, ODS__STATUS__UNAVAILABLE},
	{ODS_ETIMEDOUT, ODS__STATUS__DEADLINE_EXCEEDED},
	{ODS_EPERM, ODS__STATUS__PERMISSION_DENIED},
	{ODS_EAUTH, ODS__STATUS__UNAUTHENTICATED},
	{ODS_ENOTIMPL, ODS__STATUS__UNIMPLEMENTED},
	{ODS_ENOMEM, ODS__STATUS__RESOURCE_EXHAUSTED},
	{ODS_EIO, ODS__STATUS__INTERNAL},
	{ODS_EDB, ODS__STATUS__INTERNAL},
	{ODS_EHSM, ODS__STATUS__INTERNAL},
	{ODS_EINTERNAL, ODS__STATUS__INTERNAL},
};

int
rpc_status_from_err(ods_err e)
{
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].err == e)
			return map[i].status;
	return ODS__STATUS__UNKNOWN;
}

ods_err
rpc_status_to_err(int status)
{
	/* First match wins, so FAILED_PRECONDITION reads back as ESTATE and INTERNAL as EIO's
	 * neighbour EINTERNAL is listed last on purpose: prefer the generic meaning. */
	switch (status) {
	case ODS__STATUS__INTERNAL:
	case ODS__STATUS__UNKNOWN:
	case ODS__STATUS__DATA_LOSS:
		return ODS_EINTERNAL;
	case ODS__STATUS__CANCELLED:
		return ODS_EUNAVAIL;
	case ODS__STATUS__OUT_OF_RANGE:
		return ODS_EINVAL;
	default:
		break;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].status == status)
			return map[i].err;
	return ODS_EINTERNAL;
}

const char *
rpc_status_name(int status)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&ods__status__descriptor, status);

	return v ? v->name : "UNKNOWN";
}
