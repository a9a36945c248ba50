/*
 * A udp echo server for tests (busybox has none): "udp-echo PORT" answers every datagram with "echo " and
 * the datagram, to the address it came from, until killed. Compiled statically by UdpEcho.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: udp-echo PORT\n");
        return 2;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) atoi(argv[1]));
    if (s < 0 || bind(s, (struct sockaddr *) &a, sizeof a) < 0) {
        perror("udp-echo: bind");
        return 1;
    }
    fprintf(stderr, "udp-echo: listening on %s\n", argv[1]);
    char buf[65536 + 5];
    memcpy(buf, "echo ", 5);
    for (;;) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s, buf + 5, sizeof buf - 5, 0, (struct sockaddr *) &from, &len);
        if (n >= 0) {
            sendto(s, buf, (size_t) n + 5, 0, (struct sockaddr *) &from, len);
        }
    }
}
