/* SPDX-License-Identifier: BSD-2-Clause */
/* GenerateKey and DeleteKey for the CLI tools. */
#include "cli/keys.h"

#include "cli/cli.h"
#include "ods/keystore.pb-c.h"

ods_err
cli_key_generate(struct cli *c, const char *repository, int alg, unsigned bits,
                 Ods__Keystore__GenerateKeyReply **out)
{
	Ods__Keystore__GenerateKeyRequest rq = ODS__KEYSTORE__GENERATE_KEY_REQUEST__INIT;

	rq.repository = (char *)repository;
	rq.algorithm = (uint32_t)alg;
	rq.bits = bits;
	return cli_call(c, "GenerateKey", &rq.base, &ods__keystore__generate_key_reply__descriptor,
	                (ProtobufCMessage **)out);
}

ods_err
cli_key_delete(struct cli *c, const char *locator)
{
	Ods__Keystore__DeleteKeyRequest rq = ODS__KEYSTORE__DELETE_KEY_REQUEST__INIT;
	ProtobufCMessage *r = NULL;
	ods_err rc;

	rq.locator = (char *)locator;
	rc = cli_call(c, "DeleteKey", &rq.base, &ods__keystore__delete_key_reply__descriptor, &r);
	if (r)
		protobuf_c_message_free_unpacked(r, NULL);
	return rc;
}
