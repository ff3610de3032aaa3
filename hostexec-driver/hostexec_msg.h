/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one limit the hostexec module and umlrun's protocol share (and
 * nothing else, so the static guest init can include it without kernel
 * headers): the largest message on the channel socket, either way. It is
 * the module's buffer size and the frame limit of userspace/shared/proto.h.
 */
#ifndef HOSTEXEC_MSG_H
#define HOSTEXEC_MSG_H

#define HOSTEXEC_MAX_MSG	131072

#endif
