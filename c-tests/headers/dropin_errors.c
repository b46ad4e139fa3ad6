/*
 * deliveryoptimizationerrors.h alone: the DO_E_* codes and IS_DO_TRANSIENT_ERROR, as in the
 * Windows SDK header. Compiled with -fsyntax-only.
 */
#include <deliveryoptimizationerrors.h>

typedef char transient_check[IS_DO_TRANSIENT_ERROR(DO_E_BLOCKED_BY_NO_NETWORK) ? 1 : -1];
typedef char fatal_check[!IS_DO_TRANSIENT_ERROR(DO_E_JOB_NOT_FOUND) ? 1 : -1];
typedef char bits_check[!IS_DO_TRANSIENT_ERROR(BG_E_NOT_FOUND) ? 1 : -1];
