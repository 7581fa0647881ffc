#ifndef FERRY_CLIBUV_SHIM_H
#define FERRY_CLIBUV_SHIM_H
// libuv for FerryLoop. Macros that Swift cannot import, and the socket-address juggling that is
// clumsy in Swift (casting between sockaddr variants, byte order), become small static inline
// functions here. Only FerryLoop imports this module.
#include <uv.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

/// Parses an IP literal into `out`: IPv6 when the text contains ':', IPv4 otherwise.
/// Returns 0 or a negative libuv error code (UV_EINVAL for text that is not an address).
static inline int ferry_uv_parse_address(const char *host, int port, struct sockaddr_storage *out) {
    memset(out, 0, sizeof *out);
    if (strchr(host, ':') != NULL) {
        return uv_ip6_addr(host, port, (struct sockaddr_in6 *)out);
    }
    return uv_ip4_addr(host, port, (struct sockaddr_in *)out);
}

/// The sockaddr view of an address, for libuv calls that take `const struct sockaddr *`.
static inline const struct sockaddr *ferry_uv_sockaddr(const struct sockaddr_storage *address) {
    return (const struct sockaddr *)address;
}

/// Mutable sockaddr view, for getsockname/getpeername.
static inline struct sockaddr *ferry_uv_sockaddr_mutable(struct sockaddr_storage *address) {
    return (struct sockaddr *)address;
}

/// Writes the numeric host (NUL-terminated) into `host` and the port in host byte order into
/// `port`. Returns 0, or UV_EAFNOSUPPORT for anything but IPv4/IPv6, or a libuv error.
/// Takes a plain sockaddr because that is what libuv's UDP receive callback hands over.
static inline int ferry_uv_sockaddr_name(const struct sockaddr *address,
                                         char *host, size_t host_size, unsigned short *port) {
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        *port = ntohs(v4->sin_port);
        return uv_ip4_name(v4, host, host_size);
    }
    if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        *port = ntohs(v6->sin6_port);
        return uv_ip6_name(v6, host, host_size);
    }
    return UV_EAFNOSUPPORT;
}

/// `ferry_uv_sockaddr_name` for a sockaddr_storage filled by getsockname/getpeername.
static inline int ferry_uv_address_name(const struct sockaddr_storage *address,
                                        char *host, size_t host_size, unsigned short *port) {
    return ferry_uv_sockaddr_name((const struct sockaddr *)address, host, host_size, port);
}

/// Size of sockaddr_storage as the `int` that uv_tcp_getsockname expects.
static inline int ferry_uv_sockaddr_storage_size(void) {
    return (int)sizeof(struct sockaddr_storage);
}

/// The longest Unix socket path, in bytes without the terminating NUL, that fits in sun_path.
/// libuv 1.44 silently truncates longer paths, so FerryLoop checks before calling it.
static inline size_t ferry_uv_pipe_path_bytes_max(void) {
    struct sockaddr_un address;
    return sizeof(address.sun_path) - 1;
}

#endif
