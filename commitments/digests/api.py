"""The subscriptions API: POST /api/v1/subscriptions/ (routed in commitments/api/urls.py) starts a double opt-in.

Anonymous by design; it never lists subscribers or tells whether an address is subscribed.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.api.serializers import SlugRelatedField
from commitments.clients import client_address
from commitments.models import Party, Statement, Theme

from .addresses import subscriber_address_validate
from .ratelimit import subscribe_refusal
from .subscriptions import SEND_FAILED, SENT_MESSAGE, subscription_request_sent


class SubscriptionSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, validators=[subscriber_address_validate])
    statements = SlugRelatedField(slug_field="slug", queryset=Statement.objects.all(), many=True, required=False)
    bound_parties = SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), many=True, required=False,
        help_text="Parties bound by the statement (an organisation's members included): the API's `bound_party`.",
    )
    responsible_parties = SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), many=True, required=False, help_text="Parties responsible for the point.",
    )
    parties = SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), many=True, required=False, help_text="Same as `bound_parties` (the old name).",
    )
    themes = SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(), many=True, required=False)


class SubscriptionCreateView(APIView):
    """Start a double opt-in subscription. Answers 202 whether or not the address is known; lists nothing."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # anonymous by design: no session, so no CSRF dance for API clients
    serializer_class = SubscriptionSerializer

    @extend_schema(request=SubscriptionSerializer, responses={
        202: inline_serializer("SubscriptionAccepted", {"detail": serializers.CharField()}),
        503: OpenApiResponse(description="The confirmation e-mail could not be sent: try again later."),
    })
    def post(self, request: Request) -> Response:
        serializer = SubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refusal = subscribe_refusal(client_ip=client_address(request), email=serializer.validated_data["email"])
        if refusal:
            return Response({"detail": refusal}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if not subscription_request_sent(data=serializer.validated_data):
            return Response({"detail": SEND_FAILED}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"detail": SENT_MESSAGE}, status=status.HTTP_202_ACCEPTED)
