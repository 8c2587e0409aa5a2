/* SPDX-License-Identifier: BSD-2-Clause */
/* Firmware version, shared by the appliance, its tools and the central office. */
#ifndef GW_VERSION_H
#define GW_VERSION_H

#define GW_VERSION	"0.1.0"

#endif
