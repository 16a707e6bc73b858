; The embedded default's example zone.
$ORIGIN example.com.
$TTL 3600
@	IN	SOA	ns1.example.com. hostmaster.example.com. (
		1	; serial (the signer sets it)
		3600	; refresh
		900	; retry
		1209600	; expire
		3600 )	; minimum
	IN	NS	ns1
	IN	NS	ns2
	IN	MX	10 mail
ns1	IN	A	192.0.2.1
ns2	IN	AAAA	2001:db8::2
mail	IN	A	192.0.2.25
www	IN	CNAME	@
@	IN	A	192.0.2.80
*.dyn	IN	TXT	"wildcard"
sub	IN	NS	ns.sub
ns.sub	IN	A	192.0.2.53
