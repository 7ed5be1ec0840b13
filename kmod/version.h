/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_VERSION_H
#define _KCP_VERSION_H

#define KCP_VERSION "0.1.0"

#endif /* _KCP_VERSION_H */
