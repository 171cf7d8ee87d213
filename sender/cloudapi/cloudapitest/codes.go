package cloudapitest

import "net/http"

// codeInfo is how Graph reports one error code.
type codeInfo struct {
	status  int    // HTTP status Meta sends it with
	title   string // after "(#<code>) " in error.message; the webhook title
	details string // error_data.details
}

// codes are the errors of the reference's §3.4 table, with Meta's wording.
var codes = map[int]codeInfo{
	0:      {http.StatusUnauthorized, "AuthException", "We were unable to authenticate the app user."},
	1:      {http.StatusInternalServerError, "An unknown error occurred", "Invalid request or possible server error."},
	2:      {http.StatusServiceUnavailable, "Service temporarily unavailable", "Temporary due to downtime or due to being overloaded."},
	4:      {http.StatusBadRequest, "Application request limit reached", "The app has reached its API call rate limit."},
	10:     {http.StatusForbidden, "Application does not have permission for this action", "Permission is either not granted or has been removed."},
	190:    {http.StatusUnauthorized, "Access token has expired", "Error validating access token: Session has expired."},
	200:    {http.StatusForbidden, "Permissions error", "Permission is either not granted or has been removed."},
	368:    {http.StatusForbidden, "Temporarily blocked for policies violations", "The WhatsApp Business Account is restricted for policy violations."},
	80007:  {http.StatusBadRequest, "Rate limit issues", "The WhatsApp Business Account has reached its rate limit."},
	130429: {http.StatusBadRequest, "Rate limit hit", "Cloud API message throughput has been reached."},
	131000: {http.StatusInternalServerError, "Something went wrong", "Message failed to send due to an unknown error."},
	131016: {http.StatusServiceUnavailable, "Service unavailable", "A service is temporarily unavailable."},
	131026: {http.StatusBadRequest, "Message undeliverable", "Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number."},
	131031: {http.StatusForbidden, "Account has been locked", "The WhatsApp Business Account is restricted or disabled for a policy violation."},
	131042: {http.StatusBadRequest, "Business eligibility payment issue", "There was an error related to your payment method."},
	131047: {http.StatusBadRequest, "Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
	131048: {http.StatusBadRequest, "Spam rate limit hit", "Message failed to send because there are restrictions on how many messages can be sent from this phone number."},
	131049: {http.StatusBadRequest, "This message was not delivered to maintain healthy ecosystem engagement.", "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."},
	131050: {http.StatusBadRequest, "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business", "The user has stopped marketing messages from this business."},
	131051: {http.StatusBadRequest, "Unsupported message type", "Unsupported message type."},
	131052: {http.StatusBadRequest, "Media download error", "Unable to download the media sent by the user."},
	131053: {http.StatusBadRequest, "Media upload error", "Unable to upload the media used in the message."},
	131056: {http.StatusBadRequest, "(Business Account, Consumer Account) pair rate limit hit", "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time."},
	131057: {http.StatusBadRequest, "Account in maintenance mode", "Business Account is in maintenance mode."},
	132000: {http.StatusBadRequest, "Number of parameters does not match the expected number of params", "The number of variable parameter values does not match the number of parameters in the template."},
	132001: {http.StatusNotFound, "Template name does not exist in the translation", "The template does not exist in the specified language or it has not been approved."},
	132005: {http.StatusBadRequest, "Translated text too long", "Translated text is too long."},
	132007: {http.StatusBadRequest, "Template Format Character Policy Violated", "Template content violates a WhatsApp policy."},
	132012: {http.StatusBadRequest, "Parameter format does not match format in the created template", "Variable parameter values formatted incorrectly."},
	132015: {http.StatusBadRequest, "Template is Paused", "The template is paused due to low quality."},
	132016: {http.StatusBadRequest, "Template is Disabled", "The template has been paused too many times due to low quality and is now permanently disabled."},
}
