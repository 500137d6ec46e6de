def organisation(request):
    access = getattr(request, "access", None)
    return {"access": access}
