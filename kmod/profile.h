/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_PROFILE_H
#define _KCP_PROFILE_H

struct kcp_config;

const char *kcp_profile_apply(struct kcp_config *cfg, const char *name);

#endif /* _KCP_PROFILE_H */
