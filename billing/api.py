from __future__ import annotations

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.services import billing_snapshot


class MeApi(APIView):
    """The signed-in user with their credits and subscription (from the cached snapshot)."""

    class OutputSerializer(serializers.Serializer):
        class SubscriptionOutput(serializers.Serializer):
            plan = serializers.CharField()
            status = serializers.CharField()
            current_period_end = serializers.DateTimeField(allow_null=True)

        id = serializers.UUIDField()
        email = serializers.EmailField()
        credits = serializers.IntegerField()
        premium = serializers.BooleanField()
        subscription = SubscriptionOutput(allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        snapshot = billing_snapshot(user_id=request.user.pk)
        subscription = snapshot["subscription"]
        if subscription and subscription["current_period_end"]:
            # The cache holds ISO text; parse it so the API renders dates like everywhere else.
            end = parse_datetime(subscription["current_period_end"])
            subscription = {**subscription, "current_period_end": end}
        data = {
            "id": request.user.pk,
            "email": request.user.email,
            **snapshot,
            "subscription": subscription,
        }
        return Response(self.OutputSerializer(data).data)
