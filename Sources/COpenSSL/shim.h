#ifndef FERRY_COPENSSL_SHIM_H
#define FERRY_COPENSSL_SHIM_H
// OpenSSL for FerryTLS. Macros that Swift cannot import become small static inline functions here.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/bio.h>
#include <openssl/asn1.h>
#include <openssl/sha.h>

// Key type identifiers: EVP_PKEY_ED25519 is a macro that names another macro.
static inline int ferry_EVP_PKEY_ED25519(void) { return EVP_PKEY_ED25519; }

// EVP_PKEY_id was renamed EVP_PKEY_get_id in 3.0 and survives only as a macro.
static inline int ferry_EVP_PKEY_id(const EVP_PKEY *pkey) { return EVP_PKEY_id(pkey); }

// X509_NAME_add_entry_by_txt wants MBSTRING_ASC, which is a composite macro.
static inline int ferry_MBSTRING_ASC(void) { return MBSTRING_ASC; }

// SSL_CTX configuration macros around SSL_CTX_ctrl.
static inline int ferry_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int ferry_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long ferry_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline long ferry_SSL_CTX_set_session_cache_off(SSL_CTX *ctx) {
    return SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}
static inline uint64_t ferry_SSL_OP_NO_TICKET(void) { return (uint64_t)SSL_OP_NO_TICKET; }
static inline long ferry_SSL_MODE_ENABLE_PARTIAL_WRITE(void) { return (long)SSL_MODE_ENABLE_PARTIAL_WRITE; }
static inline long ferry_SSL_MODE_RELEASE_BUFFERS(void) { return (long)SSL_MODE_RELEASE_BUFFERS; }

// The bytes a memory BIO has allocated (BIO_get_mem_ptr is a macro), 0 if it cannot say.
static inline size_t ferry_BIO_mem_capacity(BIO *bio) {
    BUF_MEM *memory = NULL;
    if (BIO_get_mem_ptr(bio, &memory) <= 0 || memory == NULL) return 0;
    return memory->max;
}

// SSL_set_app_data and SSL_get_app_data are macros over ex_data slot 0, which OpenSSL reserves for
// the application. FerryTLS keeps each connection's PeerCheck there for the verify callback.
static inline int ferry_SSL_set_app_data(SSL *ssl, void *data) { return SSL_set_app_data(ssl, data); }
static inline void *ferry_SSL_get_app_data(const SSL *ssl) { return SSL_get_app_data(ssl); }

// A memory BIO returns "retry" rather than EOF when empty, so the handshake waits for more bytes.
static inline long ferry_BIO_set_mem_eof_return(BIO *bio, int value) {
    return BIO_set_mem_eof_return(bio, value);
}

#endif
