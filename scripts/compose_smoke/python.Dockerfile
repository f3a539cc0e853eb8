# A local stand-in for python:3.11-slim, built from the debootstrapped Debian image (no registry):
# Debian's Python 3.11 in a venv on PATH, so `python` and `pip` act as in the official image.
ARG DEBIAN=tracker-smoke/debian:bookworm
FROM ${DEBIAN}
RUN python3 -m venv /usr/local/python
# pip trusts the system CA store (the base image carries the host's local CAs, if any).
ENV PATH=/usr/local/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 PIP_CERT=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
