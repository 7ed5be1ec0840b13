/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_AF_KCP_H
#define _KCP_AF_KCP_H

int kcp_af_init(void);
void kcp_af_exit(void);

#endif /* _KCP_AF_KCP_H */
